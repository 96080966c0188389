//! The Yin-Yang generator against the published splits (tests/data/yin_yang/,
//! from lkriener/yin_yang_data_set): every sample bit for bit, every label.

use std::path::PathBuf;

use microcircuit::data::npy::{self, NpyArray, NpyData};
use microcircuit::data::yinyang::{
    self, PUBLISHED_TEST, PUBLISHED_TRAIN, PUBLISHED_VALIDATION, STUDY_TEST, STUDY_TRAIN,
    STUDY_VALIDATION, YinYang,
};

fn read_npy(name: &str) -> (Vec<u8>, NpyArray) {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "data",
        "yin_yang",
        name,
    ]
    .iter()
    .collect();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let array = npy::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    (bytes, array)
}

/// Loads `<split>_samples.npy` and `<split>_labels.npy` as a [`YinYang`].
fn published(split: &str) -> YinYang {
    let (sample_bytes, samples) = read_npy(&format!("{split}_samples.npy"));
    let (label_bytes, labels) = read_npy(&format!("{split}_labels.npy"));
    let n = labels.len();
    assert_eq!(samples.shape, vec![n, 4], "{split} samples shape");
    assert_eq!(labels.shape, vec![n], "{split} labels shape");
    assert!(
        matches!(samples.data, NpyData::F64(_)),
        "{split} samples are <f8"
    );
    assert!(
        matches!(labels.data, NpyData::I64(_)),
        "{split} labels are <i8"
    );
    // Our writer produces what numpy.save produced, byte for byte.
    assert_eq!(
        npy::write(&samples),
        sample_bytes,
        "{split} samples re-encoded"
    );
    assert_eq!(
        npy::write(&labels),
        label_bytes,
        "{split} labels re-encoded"
    );

    let values = samples.to_f64();
    YinYang {
        samples: values
            .chunks_exact(4)
            .map(|row| [row[0], row[1], row[2], row[3]])
            .collect(),
        labels: labels
            .to_i64()
            .unwrap()
            .into_iter()
            .map(|c| u8::try_from(c).expect("label fits u8"))
            .collect(),
    }
}

fn assert_bit_identical(split: &str, (size, seed): (usize, u32), expected_counts: [usize; 3]) {
    let golden = published(split);
    assert_eq!(golden.len(), size, "{split} size");
    assert_eq!(
        golden.class_counts(),
        expected_counts,
        "{split} golden class counts"
    );

    let ours = yinyang::generate(size, seed).unwrap();
    assert_eq!(ours.len(), size);
    for (i, (a, b)) in ours.samples.iter().zip(&golden.samples).enumerate() {
        let bits_a = a.map(f64::to_bits);
        let bits_b = b.map(f64::to_bits);
        assert_eq!(
            bits_a, bits_b,
            "{split} sample {i}: ours {a:?}, published {b:?}"
        );
    }
    assert_eq!(ours.labels, golden.labels, "{split} labels");
    assert_eq!(ours.class_counts(), expected_counts, "{split} class counts");
}

#[test]
fn train_split_is_bit_identical() {
    assert_bit_identical("train", PUBLISHED_TRAIN, [1681, 1702, 1617]);
}

#[test]
fn validation_split_is_bit_identical() {
    assert_bit_identical("validation", PUBLISHED_VALIDATION, [316, 336, 348]);
}

#[test]
fn test_split_is_bit_identical() {
    assert_bit_identical("test", PUBLISHED_TEST, [350, 316, 334]);
}

#[test]
fn study_splits_extend_or_truncate_the_published_ones() {
    for (study, published) in [
        (STUDY_TRAIN, PUBLISHED_TRAIN),
        (STUDY_VALIDATION, PUBLISHED_VALIDATION),
        (STUDY_TEST, PUBLISHED_TEST),
    ] {
        assert_eq!(study.1, published.1, "study seeds reuse the published ones");
        let a = yinyang::generate(study.0, study.1).unwrap();
        let b = yinyang::generate(published.0, published.1).unwrap();
        let n = study.0.min(published.0);
        assert_eq!(a.samples[..n], b.samples[..n]);
        assert_eq!(a.labels[..n], b.labels[..n]);
    }
}

#[test]
fn other_seed_is_balanced_and_mirrored() {
    let size = 30_000;
    let set = yinyang::generate(size, 12345).unwrap();
    assert_eq!(set.len(), size);
    // Each class is drawn with probability 1/3: 10 000 ± 82 (1 sd); allow 5 sd.
    for (class, count) in set.class_counts().into_iter().enumerate() {
        assert!(count.abs_diff(size / 3) < 410, "class {class}: {count}");
    }
    for (s, &c) in set.samples.iter().zip(&set.labels) {
        let [x, y, x_flipped, y_flipped] = *s;
        assert!((0.0..1.0).contains(&x) && (0.0..1.0).contains(&y));
        assert!(yinyang::in_circle(x, y));
        assert_eq!(yinyang::class_of(x, y), c);
        assert_eq!(x_flipped.to_bits(), (1.0 - x).to_bits());
        assert_eq!(y_flipped.to_bits(), (1.0 - y).to_bits());
    }
    // A different seed gives a different set.
    assert_ne!(
        set.samples[..100],
        yinyang::generate(100, 42).unwrap().samples[..]
    );
}

#[test]
fn dataset_view_of_the_training_split() {
    let (size, seed) = PUBLISHED_TRAIN;
    let set = yinyang::generate(size, seed).unwrap();
    let data = set.to_dataset();
    assert_eq!(data.name, "yin_yang");
    assert_eq!((data.len(), data.n_inputs, data.n_outputs()), (size, 4, 3));
    // The first sample as the data README quotes it (8 decimals).
    let quoted = [0.680_307_54, 0.450_499_25, 0.319_692_46, 0.549_500_75];
    for (j, (&ours, quoted)) in set.samples[0].iter().zip(quoted).enumerate() {
        assert!(
            (ours - quoted).abs() <= 5e-9,
            "input {j}: {ours} vs {quoted}"
        );
        assert_eq!(data.input(0)[j], ours as f32);
    }
    assert_eq!(data.label(0), Some(2));
}
