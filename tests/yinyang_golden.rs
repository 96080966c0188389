//! The Yin-Yang generator against the published splits (tests/data/yin_yang/,
//! from lkriener/yin_yang_data_set): every sample bit for bit, every label.

// npyz is a native dev-dependency; `wasm-pack test` builds every test target.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Cursor;
use std::path::PathBuf;

use microcircuit::data::yinyang::{
    self, PUBLISHED_TEST, PUBLISHED_TRAIN, PUBLISHED_VALIDATION, STUDY_TEST, STUDY_TRAIN,
    STUDY_VALIDATION, YinYang,
};
use npyz::{NpyFile, Order};

/// Reads `tests/data/yin_yang/<name>` with npyz: checks its dtype (`descr`), its
/// order (C) and its shape, and that the data fills the file exactly; returns the
/// elements.
fn read_npy<T: npyz::Deserialize>(name: &str, descr: &str, shape: &[u64]) -> Vec<T> {
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
    let mut cursor = Cursor::new(bytes.as_slice());
    let file = NpyFile::new(&mut cursor).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(file.dtype().descr(), format!("'{descr}'"), "{name} dtype");
    assert_eq!(file.order(), Order::C, "{name} order");
    assert_eq!(file.shape(), shape, "{name} shape");
    let values = file
        .into_vec::<T>()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        cursor.position(),
        bytes.len() as u64,
        "{name}: bytes after the data"
    );
    values
}

/// Loads `<split>_samples.npy` (`<f8`, n x 4) and `<split>_labels.npy` (`<i8`, n)
/// as a [`YinYang`] of `n` samples.
fn published(split: &str, n: usize) -> YinYang {
    let rows = n as u64;
    let samples: Vec<f64> = read_npy(&format!("{split}_samples.npy"), "<f8", &[rows, 4]);
    let labels: Vec<i64> = read_npy(&format!("{split}_labels.npy"), "<i8", &[rows]);
    YinYang {
        samples: samples
            .chunks_exact(4)
            .map(|row| [row[0], row[1], row[2], row[3]])
            .collect(),
        labels: labels
            .into_iter()
            .map(|c| u8::try_from(c).expect("label fits u8"))
            .collect(),
    }
}

fn assert_bit_identical(split: &str, (size, seed): (usize, u32), expected_counts: [usize; 3]) {
    let golden = published(split, size);
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
