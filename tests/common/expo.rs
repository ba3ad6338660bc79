//! A strict parser for the two text expositions (Prometheus text 0.0.4 and OpenMetrics 1.0.0),
//! written from the format specifications, and a reader for `promtool tsdb dump` output, so
//! that property tests can render, parse back and compare with what was recorded.
//!
//! No Rust crate parses these formats faithfully: `prometheus-parse` (0.2) splits label lists
//! on `,` and `=` and strips quotes without unescaping, so a label value holding `,`, `=`, `}`,
//! `\"` or `\n` comes back wrong. This parser is checked against Prometheus' own parsers
//! through `promtool` (see `tests/test_roundtrip.rs`).

use std::collections::BTreeMap;

/// Which exposition a text is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Prometheus text format 0.0.4.
    Text,
    /// OpenMetrics 1.0.0.
    OpenMetrics,
}

/// One sample line, with its label values unescaped and its value as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The value exactly as written, for exact integer comparisons.
    pub raw_value: String,
    pub value: f64,
}

/// A `# HELP` / `# TYPE` / `# UNIT` line.
#[derive(Clone, Debug, PartialEq)]
pub enum Meta {
    Help(String, String),
    Type(String, String),
    Unit(String, String),
}

/// A parsed exposition.
#[derive(Clone, Debug, Default)]
pub struct Exposition {
    pub meta: Vec<Meta>,
    pub samples: Vec<Sample>,
}

impl Exposition {
    /// The `# TYPE` of a family.
    pub fn type_of(&self, family: &str) -> Option<&str> {
        self.meta.iter().find_map(|meta| match meta {
            Meta::Type(name, kind) if name == family => Some(kind.as_str()),
            _ => None,
        })
    }
}

/// Parses a whole exposition, or says which line is wrong and why.
pub fn parse(text: &str, dialect: Dialect) -> Result<Exposition, String> {
    let mut out = Exposition::default();
    let Some(body) = text.strip_suffix('\n') else {
        return if text.is_empty() && dialect == Dialect::Text {
            Ok(out)
        } else {
            Err("the exposition does not end with a newline".to_owned())
        };
    };
    let mut saw_eof = false;
    for (number, line) in body.split('\n').enumerate() {
        let fail = |why: String| format!("line {}: {why}: {line:?}", number + 1);
        if saw_eof {
            return Err(fail("content after # EOF".to_owned()));
        }
        if line == "# EOF" && dialect == Dialect::OpenMetrics {
            saw_eof = true;
        } else if let Some(comment) = line.strip_prefix('#') {
            if let Some(meta) = parse_meta(comment, dialect).map_err(fail)? {
                out.meta.push(meta);
            }
        } else if line.is_empty() {
            if dialect == Dialect::OpenMetrics {
                return Err(fail("empty line".to_owned()));
            }
        } else {
            out.samples.push(parse_sample(line, dialect).map_err(fail)?);
        }
    }
    if dialect == Dialect::OpenMetrics && !saw_eof {
        return Err("OpenMetrics exposition without # EOF".to_owned());
    }
    Ok(out)
}

fn parse_meta(comment: &str, dialect: Dialect) -> Result<Option<Meta>, String> {
    let rest = match dialect {
        Dialect::OpenMetrics => comment
            .strip_prefix(' ')
            .ok_or("a comment needs a space after #")?,
        Dialect::Text => comment.trim_start_matches([' ', '\t']),
    };
    let (keyword, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
    let known = matches!(keyword, "HELP" | "TYPE") || keyword == "UNIT";
    if !known {
        return match dialect {
            Dialect::Text => Ok(None),
            Dialect::OpenMetrics => Err(format!("unknown comment keyword {keyword:?}")),
        };
    }
    if !valid_metric_name(name) {
        return Err(format!("invalid metric name {name:?}"));
    }
    Ok(Some(match keyword {
        "HELP" => Meta::Help(name.to_owned(), unescape_help(value, dialect)?),
        "TYPE" => {
            let types: &[&str] = match dialect {
                Dialect::Text => &["counter", "gauge", "histogram", "summary", "untyped"],
                Dialect::OpenMetrics => &[
                    "counter",
                    "gauge",
                    "histogram",
                    "gaugehistogram",
                    "stateset",
                    "info",
                    "summary",
                    "unknown",
                ],
            };
            if !types.contains(&value) {
                return Err(format!("unknown type {value:?}"));
            }
            Meta::Type(name.to_owned(), value.to_owned())
        }
        _ if dialect == Dialect::OpenMetrics => Meta::Unit(name.to_owned(), value.to_owned()),
        _ => return Ok(None),
    }))
}

fn unescape_help(text: &str, dialect: Dialect) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('"') if dialect == Dialect::OpenMetrics => out.push('"'),
            // The text format keeps other backslashes as they are in HELP.
            Some(other) if dialect == Dialect::Text => {
                out.push('\\');
                out.push(other);
            }
            other => return Err(format!("invalid escape \\{other:?} in HELP")),
        }
    }
    Ok(out)
}

pub fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_sample(line: &str, dialect: Dialect) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
    let name = &line[..name_end];
    if !valid_metric_name(name) {
        return Err(format!("invalid metric name {name:?}"));
    }
    let mut rest = &line[name_end..];
    let mut labels = BTreeMap::new();
    if let Some(list) = rest.strip_prefix('{') {
        rest = parse_labels(list, &mut labels, dialect)?;
    }
    let rest = match dialect {
        Dialect::OpenMetrics => rest
            .strip_prefix(' ')
            .ok_or("no single space before value")?,
        Dialect::Text => {
            let trimmed = rest.trim_start_matches([' ', '\t']);
            if trimmed.len() == rest.len() {
                return Err("no space before the value".to_owned());
            }
            trimmed
        }
    };
    let mut fields = rest.split(' ');
    let raw_value = fields.next().unwrap_or("");
    let value = parse_value(raw_value)?;
    match fields.next() {
        None => {}
        Some(timestamp) if timestamp.parse::<f64>().is_ok() => {}
        Some(other) => return Err(format!("bad timestamp {other:?}")),
    }
    if fields.next().is_some() {
        return Err("trailing fields".to_owned());
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        raw_value: raw_value.to_owned(),
        value,
    })
}

/// Parses `name="value",...}` and returns what follows the `}`.
fn parse_labels<'a>(
    mut rest: &'a str,
    labels: &mut BTreeMap<String, String>,
    dialect: Dialect,
) -> Result<&'a str, String> {
    loop {
        if let Some(after) = rest.strip_prefix('}') {
            return Ok(after);
        }
        let (name, after) = rest.split_once("=\"").ok_or("label without =\"")?;
        if !valid_label_name(name) {
            return Err(format!("invalid label name {name:?}"));
        }
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err("unterminated label value".to_owned()),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    other => return Err(format!("invalid escape in label value: {other:?}")),
                },
                Some((_, '\n')) => return Err("raw newline in label value".to_owned()),
                Some((_, c)) => value.push(c),
            }
        };
        if labels.insert(name.to_owned(), value).is_some() {
            return Err(format!("duplicate label {name:?}"));
        }
        rest = &after[end + 1..];
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
            if rest.starts_with('}') && dialect == Dialect::OpenMetrics {
                return Err("trailing comma in label list".to_owned());
            }
        } else if !rest.starts_with('}') {
            return Err("label pairs must be separated by ,".to_owned());
        }
    }
}

/// A sample value: `NaN`, `+Inf`, `-Inf` or a decimal floating-point number.
pub fn parse_value(text: &str) -> Result<f64, String> {
    match text {
        "NaN" => return Ok(f64::NAN),
        "+Inf" | "Inf" => return Ok(f64::INFINITY),
        "-Inf" => return Ok(f64::NEG_INFINITY),
        _ => {}
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match digits.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (digits, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && is_digits(e)
    });
    if whole.len() + fraction.len() == 0
        || !is_digits(whole)
        || !is_digits(fraction)
        || !exponent_ok
    {
        return Err(format!("invalid value {text:?}"));
    }
    text.parse()
        .map_err(|e| format!("invalid value {text:?}: {e}"))
}

/// One series of `promtool tsdb dump`: `{__name__="x", a="v"} value timestamp`, label values
/// quoted the way Go's `strconv.Quote` does.
pub fn parse_dump_line(line: &str) -> Result<(BTreeMap<String, String>, f64), String> {
    let mut rest = line.strip_prefix('{').ok_or("dump line without {")?;
    let mut labels = BTreeMap::new();
    loop {
        if let Some(after) = rest.strip_prefix("} ") {
            rest = after;
            break;
        }
        let (name, after) = rest.split_once('=').ok_or("label without =")?;
        let (value, after) = go_unquote(after)?;
        labels.insert(name.to_owned(), value);
        rest = after.strip_prefix(", ").unwrap_or(after);
    }
    let (value, _timestamp) = rest.split_once(' ').ok_or("no timestamp")?;
    let value = match value {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().map_err(|e| format!("{other:?}: {e}"))?,
    };
    Ok((labels, value))
}

/// Reads a Go double-quoted string literal at the start of `text`; returns it and the rest.
fn go_unquote(text: &str) -> Result<(String, &str), String> {
    let mut bytes = Vec::new();
    let body = text.strip_prefix('"').ok_or("value not quoted")?;
    let mut chars = body.char_indices();
    let hex = |chars: &mut std::str::CharIndices, n: usize| -> Result<u32, String> {
        let mut value = 0;
        for _ in 0..n {
            let (_, c) = chars.next().ok_or("short escape")?;
            value = value * 16 + c.to_digit(16).ok_or("bad hex digit")?;
        }
        Ok(value)
    };
    loop {
        let (i, c) = chars.next().ok_or("unterminated quoted value")?;
        match c {
            '"' => {
                let value = String::from_utf8(bytes).map_err(|e| e.to_string())?;
                return Ok((value, &body[i + 1..]));
            }
            '\\' => {
                let (_, escape) = chars.next().ok_or("dangling backslash")?;
                let decoded = match escape {
                    'a' => '\x07',
                    'b' => '\x08',
                    'f' => '\x0c',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\x0b',
                    '\\' => '\\',
                    '"' => '"',
                    'x' => {
                        bytes.push(hex(&mut chars, 2)? as u8);
                        continue;
                    }
                    'u' => char::from_u32(hex(&mut chars, 4)?).ok_or("bad \\u")?,
                    'U' => char::from_u32(hex(&mut chars, 8)?).ok_or("bad \\U")?,
                    other => return Err(format!("unknown escape \\{other}")),
                };
                let mut buffer = [0; 4];
                bytes.extend_from_slice(decoded.encode_utf8(&mut buffer).as_bytes());
            }
            c => {
                let mut buffer = [0; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
        }
    }
}
