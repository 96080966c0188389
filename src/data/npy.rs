//! Reader (and a minimal writer) for NumPy `.npy` files, format versions 1.0, 2.0
//! and 3.0.
//!
//! Layout: the magic `\x93NUMPY`, a major and a minor version byte, the header length
//! (`u16` little-endian in 1.0, `u32` in 2.0/3.0), then the header: a Python dict
//! literal such as `{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 4), }`,
//! padded with spaces and a newline. The raw array data follows the header.
//!
//! Supported: C-order arrays of little-endian (or single-byte) `f8`, `f4`, `i8`,
//! `i4`, `i2`, `i1`, `u4`, `u2`, `u1`. Everything else (big-endian data, Fortran
//! order, structured or object dtypes, truncated or trailing data) is rejected with
//! [`Error::Data`]; the parser never panics on its input.

use crate::error::{Error, Result};

/// What every error of this module calls the input.
const WHAT: &str = "npy file";

const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// Python literals nest only a level or two in real headers; the cap keeps a
/// hostile header from overflowing the stack.
const MAX_DEPTH: usize = 8;

fn malformed(reason: impl Into<String>) -> Error {
    Error::data(WHAT, reason)
}

/// The elements of an array, in C (row-major) order, in their stored type.
#[derive(Debug, Clone, PartialEq)]
pub enum NpyData {
    F64(Vec<f64>),
    F32(Vec<f32>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    I16(Vec<i16>),
    I8(Vec<i8>),
    U32(Vec<u32>),
    U16(Vec<u16>),
    U8(Vec<u8>),
}

/// A parsed `.npy` array: its shape and its elements.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyArray {
    /// Dimensions, outermost first; empty for a 0-d (scalar) array.
    pub shape: Vec<usize>,
    pub data: NpyData,
}

impl NpyArray {
    /// Number of elements (the product of the shape).
    pub fn len(&self) -> usize {
        match &self.data {
            NpyData::F64(v) => v.len(),
            NpyData::F32(v) => v.len(),
            NpyData::I64(v) => v.len(),
            NpyData::I32(v) => v.len(),
            NpyData::I16(v) => v.len(),
            NpyData::I8(v) => v.len(),
            NpyData::U32(v) => v.len(),
            NpyData::U16(v) => v.len(),
            NpyData::U8(v) => v.len(),
        }
    }

    /// True when the array holds no element (some dimension is 0).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The NumPy type string of the elements, as written by this module (`"<f8"`, …).
    pub fn descr(&self) -> &'static str {
        match &self.data {
            NpyData::F64(_) => "<f8",
            NpyData::F32(_) => "<f4",
            NpyData::I64(_) => "<i8",
            NpyData::I32(_) => "<i4",
            NpyData::I16(_) => "<i2",
            NpyData::I8(_) => "|i1",
            NpyData::U32(_) => "<u4",
            NpyData::U16(_) => "<u2",
            NpyData::U8(_) => "|u1",
        }
    }

    /// The elements as `f64`. Exact for every type except `i64` values beyond
    /// ±2^53, which are rounded to the nearest `f64`.
    pub fn to_f64(&self) -> Vec<f64> {
        match &self.data {
            NpyData::F64(v) => v.clone(),
            NpyData::F32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            NpyData::I64(v) => v.iter().map(|&x| x as f64).collect(),
            NpyData::I32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            NpyData::I16(v) => v.iter().map(|&x| f64::from(x)).collect(),
            NpyData::I8(v) => v.iter().map(|&x| f64::from(x)).collect(),
            NpyData::U32(v) => v.iter().map(|&x| f64::from(x)).collect(),
            NpyData::U16(v) => v.iter().map(|&x| f64::from(x)).collect(),
            NpyData::U8(v) => v.iter().map(|&x| f64::from(x)).collect(),
        }
    }

    /// The elements as `i64`, for integer arrays. Floating-point arrays are an
    /// error rather than silently truncated.
    pub fn to_i64(&self) -> Result<Vec<i64>> {
        Ok(match &self.data {
            NpyData::I64(v) => v.clone(),
            NpyData::I32(v) => v.iter().map(|&x| i64::from(x)).collect(),
            NpyData::I16(v) => v.iter().map(|&x| i64::from(x)).collect(),
            NpyData::I8(v) => v.iter().map(|&x| i64::from(x)).collect(),
            NpyData::U32(v) => v.iter().map(|&x| i64::from(x)).collect(),
            NpyData::U16(v) => v.iter().map(|&x| i64::from(x)).collect(),
            NpyData::U8(v) => v.iter().map(|&x| i64::from(x)).collect(),
            NpyData::F64(_) | NpyData::F32(_) => {
                return Err(malformed(format!(
                    "expected an integer array, found dtype '{}'",
                    self.descr()
                )));
            }
        })
    }
}

/// Parses a complete `.npy` file held in memory.
pub fn parse(bytes: &[u8]) -> Result<NpyArray> {
    let (header, data) = split_header(bytes)?;
    let (descr, fortran_order, shape) = read_header_dict(header)?;
    if fortran_order {
        return Err(malformed(
            "Fortran-order arrays are not supported (save with fortran_order=False)",
        ));
    }
    let (kind, size) = parse_descr(&descr)?;

    let count = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| malformed(format!("shape {shape:?} overflows the address space")))?;
    let n_bytes = count
        .checked_mul(size)
        .ok_or_else(|| malformed(format!("shape {shape:?} overflows the address space")))?;
    if data.len() < n_bytes {
        return Err(malformed(format!(
            "data is truncated: shape {shape:?} of '{descr}' needs {n_bytes} bytes, found {}",
            data.len()
        )));
    }
    if data.len() > n_bytes {
        return Err(malformed(format!(
            "{} unexpected bytes after the {n_bytes} bytes of data for shape {shape:?}",
            data.len() - n_bytes
        )));
    }

    let data = match (kind, size) {
        ('f', 8) => NpyData::F64(decode(data, f64::from_le_bytes)),
        ('f', 4) => NpyData::F32(decode(data, f32::from_le_bytes)),
        ('i', 8) => NpyData::I64(decode(data, i64::from_le_bytes)),
        ('i', 4) => NpyData::I32(decode(data, i32::from_le_bytes)),
        ('i', 2) => NpyData::I16(decode(data, i16::from_le_bytes)),
        ('i', 1) => NpyData::I8(decode(data, i8::from_le_bytes)),
        ('u', 4) => NpyData::U32(decode(data, u32::from_le_bytes)),
        ('u', 2) => NpyData::U16(decode(data, u16::from_le_bytes)),
        ('u', 1) => NpyData::U8(data.to_vec()),
        // parse_descr only lets the pairs above through.
        _ => return Err(malformed(format!("unsupported dtype '{descr}'"))),
    };
    Ok(NpyArray { shape, data })
}

/// Serialises an array as a `.npy` file (C order, little-endian, version 1.0 unless
/// the header needs 2.0), byte for byte what `numpy.save` writes for these types.
pub fn write(array: &NpyArray) -> Vec<u8> {
    let shape = match array.shape.as_slice() {
        [] => String::from("()"),
        [d] => format!("({d},)"),
        dims => {
            let parts: Vec<String> = dims.iter().map(ToString::to_string).collect();
            format!("({})", parts.join(", "))
        }
    };
    let mut header = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {shape}, }}",
        array.descr()
    );
    // NumPy pads preamble + header + '\n' to a multiple of 64 so the data is aligned.
    let padded_len =
        |preamble: usize| (preamble + header.len() + 1).next_multiple_of(64) - preamble;
    // Version 1.0 stores the header length in 16 bits; a longer header (a shape of
    // thousands of dimensions) needs 2.0 and its 32-bit length, as in `numpy.save`.
    let (version, len_bytes) = match u16::try_from(padded_len(10)) {
        Ok(len) => (1, len.to_le_bytes().to_vec()),
        // A header beyond 4 GiB would need a shape no real array has.
        Err(_) => (2, (padded_len(12) as u32).to_le_bytes().to_vec()),
    };
    let total = padded_len(6 + 2 + len_bytes.len());
    header.extend(std::iter::repeat_n(' ', total - header.len() - 1));
    header.push('\n');

    let mut out = Vec::with_capacity(12 + header.len() + array.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[version, 0]);
    out.extend_from_slice(&len_bytes);
    out.extend_from_slice(header.as_bytes());
    match &array.data {
        NpyData::F64(v) => v.iter().for_each(|x| out.extend(x.to_le_bytes())),
        NpyData::F32(v) => v.iter().for_each(|x| out.extend(x.to_le_bytes())),
        NpyData::I64(v) => v.iter().for_each(|x| out.extend(x.to_le_bytes())),
        NpyData::I32(v) => v.iter().for_each(|x| out.extend(x.to_le_bytes())),
        NpyData::I16(v) => v.iter().for_each(|x| out.extend(x.to_le_bytes())),
        NpyData::I8(v) => v.iter().for_each(|x| out.extend(x.to_le_bytes())),
        NpyData::U32(v) => v.iter().for_each(|x| out.extend(x.to_le_bytes())),
        NpyData::U16(v) => v.iter().for_each(|x| out.extend(x.to_le_bytes())),
        NpyData::U8(v) => out.extend_from_slice(v),
    }
    out
}

/// Decodes little-endian elements of `N` bytes; `data.len()` is a multiple of `N`.
fn decode<const N: usize, T>(data: &[u8], from_le: fn([u8; N]) -> T) -> Vec<T> {
    data.chunks_exact(N)
        .map(|chunk| {
            let mut raw = [0u8; N];
            raw.copy_from_slice(chunk);
            from_le(raw)
        })
        .collect()
}

/// Checks magic and version and returns (header text, data bytes).
fn split_header(bytes: &[u8]) -> Result<(&str, &[u8])> {
    let magic = bytes
        .get(..MAGIC.len())
        .ok_or_else(|| malformed(format!("{} bytes are too short for the magic", bytes.len())))?;
    if magic != MAGIC {
        return Err(malformed(format!(
            "bad magic {magic:02x?}, expected \\x93NUMPY"
        )));
    }
    let rest = &bytes[MAGIC.len()..];
    let (header_len, rest) = match rest {
        [1, _, a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
        [2 | 3, _, a, b, c, d, rest @ ..] => {
            let len = u32::from_le_bytes([*a, *b, *c, *d]);
            let len = usize::try_from(len)
                .map_err(|_| malformed(format!("header length {len} too large")))?;
            (len, rest)
        }
        [major @ (1..=3), ..] => {
            return Err(malformed(format!(
                "file ends inside the preamble of format version {major}"
            )));
        }
        [major, minor, ..] => {
            return Err(malformed(format!(
                "unsupported format version {major}.{minor} (supported: 1.0, 2.0, 3.0)"
            )));
        }
        _ => return Err(malformed("file ends inside the format version")),
    };
    if rest.len() < header_len {
        return Err(malformed(format!(
            "header is truncated: {header_len} bytes announced, {} present",
            rest.len()
        )));
    }
    let (header, data) = rest.split_at(header_len);
    // Versions 1 and 2 use latin-1, 3 UTF-8; a valid header is plain ASCII either way.
    let header =
        std::str::from_utf8(header).map_err(|_| malformed("header is not ASCII/UTF-8 text"))?;
    Ok((header, data))
}

/// Splits a type string like `<f8` into kind and byte size, rejecting what we
/// cannot decode.
fn parse_descr(descr: &str) -> Result<(char, usize)> {
    let mut chars = descr.chars();
    let (Some(order), Some(kind), Some(digit), None) =
        (chars.next(), chars.next(), chars.next(), chars.next())
    else {
        return Err(malformed(format!("unsupported dtype '{descr}'")));
    };
    let size = match digit.to_digit(10) {
        Some(d) => d as usize,
        None => return Err(malformed(format!("unsupported dtype '{descr}'"))),
    };
    let supported = matches!(
        (kind, size),
        ('f', 8 | 4) | ('i', 8 | 4 | 2 | 1) | ('u', 4 | 2 | 1)
    );
    if !supported {
        return Err(malformed(format!(
            "unsupported dtype '{descr}' (supported: f8, f4, i8, i4, i2, i1, u4, u2, u1)"
        )));
    }
    // Byte order only matters for multi-byte types; `=` (native) is meaningless in a
    // file written on an unknown machine.
    match order {
        _ if size == 1 && matches!(order, '|' | '<' | '>' | '=') => {}
        '<' => {}
        '>' => {
            return Err(malformed(format!(
                "big-endian dtype '{descr}' is not supported"
            )));
        }
        _ => {
            return Err(malformed(format!(
                "dtype '{descr}' has no explicit little-endian byte order"
            )));
        }
    }
    Ok((kind, size))
}

/// The subset of Python literals that appears in `.npy` headers.
#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Str(String),
    Bool(bool),
    Int(u64),
    /// Tuples and lists alike.
    Seq(Vec<Literal>),
    Dict(Vec<(Literal, Literal)>),
}

/// Reads the header dict and returns (descr, fortran_order, shape).
fn read_header_dict(header: &str) -> Result<(String, bool, Vec<usize>)> {
    let mut parser = Parser {
        s: header.as_bytes(),
        pos: 0,
    };
    let dict = parser.literal(0)?;
    parser.skip_ws();
    if parser.pos != parser.s.len() {
        return Err(malformed(format!(
            "unexpected text after the header dict at byte {}",
            parser.pos
        )));
    }
    let Literal::Dict(entries) = dict else {
        return Err(malformed("header is not a dict"));
    };

    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (key, value) in entries {
        let Literal::Str(key) = key else {
            return Err(malformed("header dict has a non-string key"));
        };
        match (key.as_str(), value) {
            ("descr", Literal::Str(s)) => descr = Some(s),
            ("descr", _) => {
                return Err(malformed(
                    "structured dtypes (a list as 'descr') are not supported",
                ));
            }
            ("fortran_order", Literal::Bool(b)) => fortran = Some(b),
            ("shape", Literal::Seq(dims)) => {
                let dims = dims
                    .into_iter()
                    .map(|d| match d {
                        Literal::Int(n) => usize::try_from(n)
                            .map_err(|_| malformed(format!("dimension {n} too large"))),
                        other => Err(malformed(format!("shape holds a non-integer {other:?}"))),
                    })
                    .collect::<Result<Vec<usize>>>()?;
                shape = Some(dims);
            }
            ("fortran_order" | "shape", other) => {
                return Err(malformed(format!("'{key}' has an invalid value {other:?}")));
            }
            _ => return Err(malformed(format!("unexpected key '{key}' in the header"))),
        }
    }
    match (descr, fortran, shape) {
        (Some(d), Some(f), Some(s)) => Ok((d, f, s)),
        _ => Err(malformed(
            "header lacks one of the keys 'descr', 'fortran_order', 'shape'",
        )),
    }
}

/// A tiny recursive-descent parser over the header bytes.
struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn error(&self, expected: &str) -> Error {
        match self.peek() {
            Some(c) => malformed(format!(
                "header: expected {expected} at byte {}, found '{}'",
                self.pos,
                char::from(c).escape_default()
            )),
            None => malformed(format!("header ends where {expected} was expected")),
        }
    }

    fn literal(&mut self, depth: usize) -> Result<Literal> {
        if depth > MAX_DEPTH {
            return Err(malformed("header nests too deeply"));
        }
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.dict(depth),
            Some(b'(') => self.seq(b')', depth).map(Literal::Seq),
            Some(b'[') => self.seq(b']', depth).map(Literal::Seq),
            Some(q @ (b'\'' | b'"')) => self.string(q),
            Some(c) if c.is_ascii_digit() => self.int(),
            Some(c) if c.is_ascii_alphabetic() => self.word(),
            _ => Err(self.error("a value")),
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Literal> {
        self.pos += 1; // '{'
        let mut entries = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(Literal::Dict(entries));
            }
            let key = self.literal(depth + 1)?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("':'"));
            }
            self.pos += 1;
            let value = self.literal(depth + 1)?;
            entries.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.error("',' or '}'")),
            }
        }
    }

    fn seq(&mut self, close: u8, depth: usize) -> Result<Vec<Literal>> {
        self.pos += 1; // '(' or '['
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(close) {
                self.pos += 1;
                return Ok(items);
            }
            items.push(self.literal(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => return Err(self.error("',' or a closing bracket")),
            }
        }
    }

    fn string(&mut self, quote: u8) -> Result<Literal> {
        self.pos += 1; // opening quote
        let start = self.pos;
        // Header strings (keys, type strings) never contain escapes or the quote.
        while let Some(c) = self.peek() {
            if c == b'\\' {
                return Err(malformed("header: escapes in strings are not supported"));
            }
            if c == quote {
                let text = std::str::from_utf8(&self.s[start..self.pos])
                    .map_err(|_| malformed("header: string is not UTF-8"))?;
                self.pos += 1;
                return Ok(Literal::Str(text.to_owned()));
            }
            self.pos += 1;
        }
        Err(malformed("header ends inside a string"))
    }

    fn int(&mut self) -> Result<Literal> {
        let mut n: u64 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(c - b'0')))
                .ok_or_else(|| malformed("header: integer too large"))?;
            self.pos += 1;
        }
        // Python 2 era files wrote longs as `1000L`.
        if self.peek() == Some(b'L') {
            self.pos += 1;
        }
        Ok(Literal::Int(n))
    }

    fn word(&mut self) -> Result<Literal> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        match &self.s[start..self.pos] {
            b"True" => Ok(Literal::Bool(true)),
            b"False" => Ok(Literal::Bool(false)),
            word => Err(malformed(format!(
                "header: unexpected word '{}'",
                String::from_utf8_lossy(word)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with `header` (padding added) and `data`, in format version `major`.
    fn build(major: u8, header: &str, data: &[u8]) -> Vec<u8> {
        let mut h = header.to_owned();
        h.push('\n');
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[major, 0]);
        if major == 1 {
            out.extend_from_slice(&(h.len() as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&(h.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out
    }

    fn f64_bytes(values: &[f64]) -> Vec<u8> {
        values.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    fn reason(result: Result<NpyArray>) -> String {
        match result {
            Err(Error::Data { what, reason }) => {
                assert_eq!(what, WHAT);
                reason
            }
            other => panic!("expected a data error, got {other:?}"),
        }
    }

    #[test]
    fn parses_hand_built_f8_matrix() {
        let values = [0.5, -1.25, 3.0, 1e-300, f64::MAX, -0.0];
        let bytes = build(
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
            &f64_bytes(&values),
        );
        let a = parse(&bytes).unwrap();
        assert_eq!(a.shape, vec![2, 3]);
        assert_eq!(a.len(), 6);
        let bits: Vec<u64> = a.to_f64().iter().map(|x| x.to_bits()).collect();
        let expected: Vec<u64> = values.iter().map(|x| x.to_bits()).collect();
        assert_eq!(bits, expected);
        assert!(a.to_i64().is_err(), "floats are not silently truncated");
    }

    #[test]
    fn parses_version_2_and_integer_types() {
        let bytes = build(
            2,
            "{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (3,)}",
            &[-7i64, 0, i64::MAX]
                .iter()
                .flat_map(|x| x.to_le_bytes())
                .collect::<Vec<u8>>(),
        );
        let a = parse(&bytes).unwrap();
        assert_eq!(a.shape, vec![3]);
        assert_eq!(a.to_i64().unwrap(), vec![-7, 0, i64::MAX]);

        let bytes = build(
            1,
            "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2)}",
            &[0, 1, 254, 255],
        );
        let a = parse(&bytes).unwrap();
        assert_eq!(a.data, NpyData::U8(vec![0, 1, 254, 255]));
        assert_eq!(a.to_f64(), vec![0.0, 1.0, 254.0, 255.0]);

        let bytes = build(
            1,
            "{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}",
            &[1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
        );
        assert_eq!(parse(&bytes).unwrap().to_i64().unwrap(), vec![1, -1]);
    }

    #[test]
    fn scalar_and_empty_arrays() {
        let bytes = build(
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
            &1.5f32.to_le_bytes(),
        );
        let a = parse(&bytes).unwrap();
        assert!(a.shape.is_empty());
        assert_eq!(a.data, NpyData::F32(vec![1.5]));

        let bytes = build(
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 4), }",
            &[],
        );
        let a = parse(&bytes).unwrap();
        assert_eq!(a.shape, vec![0, 4]);
        assert!(a.is_empty());
    }

    #[test]
    fn write_then_parse_round_trips() {
        for array in [
            NpyArray {
                shape: vec![2, 2],
                data: NpyData::F64(vec![0.680_307_54, 0.1, -2.5, f64::MIN_POSITIVE]),
            },
            NpyArray {
                shape: vec![3],
                data: NpyData::I64(vec![0, 2, 1]),
            },
            NpyArray {
                shape: vec![1, 1, 2],
                data: NpyData::U16(vec![7, 65535]),
            },
            NpyArray {
                shape: vec![],
                data: NpyData::I8(vec![-3]),
            },
        ] {
            let bytes = write(&array);
            assert_eq!((bytes.len() - array.len() * bytes_per(&array)) % 64, 0);
            assert_eq!(parse(&bytes).unwrap(), array);
        }
    }

    #[test]
    fn long_headers_switch_to_version_2() {
        let array = NpyArray {
            shape: vec![1; 30_000],
            data: NpyData::F32(vec![0.25]),
        };
        let bytes = write(&array);
        assert_eq!(bytes[6], 2, "a 90 kB header does not fit version 1.0");
        assert_eq!((bytes.len() - 4) % 64, 0);
        assert_eq!(parse(&bytes).unwrap(), array);
    }

    #[test]
    fn never_panics_on_cut_or_corrupted_input() {
        let array = NpyArray {
            shape: vec![2, 3],
            data: NpyData::I32(vec![1, -2, 3, -4, 5, -6]),
        };
        let bytes = write(&array);
        for cut in 0..bytes.len() {
            assert!(parse(&bytes[..cut]).is_err(), "prefix of {cut} bytes");
        }
        for pos in 0..bytes.len() {
            for value in [0x00, b' ', b'(', b')', b'\'', b'{', b'9', 0x80, 0xff] {
                let mut corrupt = bytes.clone();
                corrupt[pos] = value;
                // Ok or Err both fine: only a panic would fail the test.
                let _ = parse(&corrupt);
            }
        }
    }

    fn bytes_per(a: &NpyArray) -> usize {
        a.descr()[2..].parse().unwrap()
    }

    #[test]
    fn rejects_bad_magic() {
        let mut bytes = build(
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0,)}",
            &[],
        );
        bytes[1] = b'X';
        assert!(reason(parse(&bytes)).contains("magic"));
        assert!(reason(parse(b"")).contains("magic"));
        assert!(reason(parse(b"\x93NUM")).contains("magic"));
        assert!(reason(parse(b"PK\x03\x04 a zip archive")).contains("magic"));
    }

    #[test]
    fn rejects_bad_version() {
        let mut bytes = build(
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0,)}",
            &[],
        );
        bytes[6] = 4;
        assert!(reason(parse(&bytes)).contains("version 4.0"));
        assert!(reason(parse(b"\x93NUMPY")).contains("version"));
        assert!(reason(parse(b"\x93NUMPY\x02\x00\x10\x00")).contains("preamble"));
    }

    #[test]
    fn rejects_truncated_header() {
        let bytes = build(
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0,)}",
            &[],
        );
        for cut in [9, 10, 20, bytes.len() - 1] {
            let r = reason(parse(&bytes[..cut]));
            assert!(
                r.contains("truncated") || r.contains("preamble"),
                "cut at {cut}: {r}"
            );
        }
        // Header length fits but the dict is cut short.
        let bytes = build(1, "{'descr': '<f8', 'fortran_order': False, 'sha", &[]);
        assert!(reason(parse(&bytes)).contains("header"));
        let bytes = build(
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (0,",
            &[],
        );
        assert!(reason(parse(&bytes)).contains("header"));
    }

    #[test]
    fn rejects_malformed_header_dicts() {
        for header in [
            "",
            "[1, 2]",
            "{'descr': '<f8', 'fortran_order': False}",
            "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': ('a',)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
            "{'descr': '<f8' 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<f8', 'fortran_order': None, 'shape': (1,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} trailing",
            "{'descr': '<f\\x38', 'fortran_order': False, 'shape': (1,)}",
            "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}",
            "{'descr': '<f8', 'fortran_order': False, 'shape': ((((((((((1,),),),),),),),),),)}",
        ] {
            let bytes = build(1, header, &[0; 8]);
            let _ = reason(parse(&bytes));
        }
        let mut bytes = build(
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}",
            &[0; 8],
        );
        bytes[12] = 0xff; // not UTF-8
        let _ = reason(parse(&bytes));
    }

    #[test]
    fn rejects_unsupported_dtypes() {
        for descr in [
            "<c16", "<f2", "|b1", "<U8", "|O", "<u8", "<m8", "f8", "<f16", "=f8",
        ] {
            let header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': (1,)}}");
            let r = reason(parse(&build(1, &header, &[0; 16])));
            assert!(r.contains(descr), "{descr}: {r}");
        }
    }

    #[test]
    fn rejects_big_endian() {
        let bytes = build(
            1,
            "{'descr': '>f8', 'fortran_order': False, 'shape': (1,)}",
            &[0; 8],
        );
        assert!(reason(parse(&bytes)).contains("big-endian"));
        // A single byte has no byte order, so '>u1' is fine.
        let bytes = build(
            1,
            "{'descr': '>u1', 'fortran_order': False, 'shape': (1,)}",
            &[9],
        );
        assert_eq!(parse(&bytes).unwrap().data, NpyData::U8(vec![9]));
    }

    #[test]
    fn rejects_fortran_order() {
        let bytes = build(
            1,
            "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 1)}",
            &[0; 8],
        );
        assert!(reason(parse(&bytes)).contains("Fortran"));
    }

    #[test]
    fn rejects_short_and_long_data() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}";
        let r = reason(parse(&build(1, header, &[0; 31])));
        assert!(
            r.contains("truncated") && r.contains("32") && r.contains("31"),
            "{r}"
        );
        assert!(reason(parse(&build(1, header, &[0; 33]))).contains("unexpected bytes"));
        // A shape whose byte count overflows must not wrap around to a small number.
        let huge = format!(
            "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, 4)}}",
            usize::MAX / 2
        );
        assert!(reason(parse(&build(1, &huge, &[0; 8]))).contains("overflow"));
    }
}
