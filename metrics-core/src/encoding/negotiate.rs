//! Choosing the exposition format and the compression from a scrape's `Accept` and
//! `Accept-Encoding` headers, with their quality values (RFC 9110, section 12.5).

use crate::{OPENMETRICS_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE, TEXT_CONTENT_TYPE};

/// An exposition format the registry can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// The Prometheus text format 0.0.4: what a client that says nothing gets.
    Text,
    /// OpenMetrics 1.0.0 text.
    OpenMetrics,
    /// Length-delimited protobuf `MetricFamily` messages of this crate's
    /// [`proto`](crate::encoding::proto) model, with exemplars, creation timestamps and native
    /// histograms.
    Protobuf,
}

impl Format {
    /// The `Content-Type` header of a response in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => TEXT_CONTENT_TYPE,
            Format::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
            Format::Protobuf => PROTOBUF_CONTENT_TYPE,
        }
    }

    /// The format a client asks for with this `Accept` header (`None`: no header).
    ///
    /// Each media range is matched against the three formats, the highest quality value wins,
    /// and on a tie the more specific range, then the client's earlier one. A range with
    /// `q=0` rules a format out. When nothing offered is acceptable the answer is
    /// [`Format::Text`], as the Prometheus clients do: a scraper that understands anything
    /// understands that.
    ///
    /// ```
    /// use metrics_core::Format;
    ///
    /// let prometheus = "application/openmetrics-text;version=1.0.0,\
    ///     application/openmetrics-text;version=0.0.1;q=0.75,\
    ///     text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /// assert_eq!(Format::from_accept(Some(prometheus)), Format::OpenMetrics);
    /// assert_eq!(Format::from_accept(Some("text/plain")), Format::Text);
    /// assert_eq!(Format::from_accept(None), Format::Text);
    /// ```
    pub fn from_accept(accept: Option<&str>) -> Format {
        let Some(accept) = accept else {
            return Format::Text;
        };
        // (quality, specificity, -position) of the best range for each format.
        let mut best: [Option<(u16, u8, i64)>; 3] = [None; 3];
        let formats = [Format::Text, Format::OpenMetrics, Format::Protobuf];
        for (position, range) in accept.split(',').enumerate() {
            let Some(range) = MediaRange::parse(range) else {
                continue;
            };
            for (slot, format) in best.iter_mut().zip(formats) {
                if let Some(specificity) = range.matches(format) {
                    let rank = (range.quality, specificity, -(position as i64));
                    // The most specific range that matches decides a format's quality.
                    let replace = match slot {
                        None => true,
                        Some((_, seen, _)) => specificity > *seen,
                    };
                    if replace {
                        *slot = Some(rank);
                    }
                }
            }
        }
        formats
            .into_iter()
            .zip(best)
            .filter_map(|(format, rank)| rank.filter(|(q, _, _)| *q > 0).map(|r| (r, format)))
            .max_by_key(|(rank, _)| *rank)
            .map_or(Format::Text, |(_, format)| format)
    }
}

/// Whether a response may be gzip-compressed, from the `Accept-Encoding` header: `gzip` (or
/// `x-gzip`, or `*`) with a quality above zero.
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    let Some(header) = accept_encoding else {
        return false;
    };
    let mut gzip = None;
    let mut star = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts.find_map(parse_quality).unwrap_or(1000);
        match coding.as_str() {
            "gzip" | "x-gzip" => gzip = Some(quality),
            "*" => star = Some(quality),
            _ => {}
        }
    }
    gzip.or(star).is_some_and(|quality| quality > 0)
}

/// `q=0.5` as thousandths; `None` for any other parameter.
fn parse_quality(param: &str) -> Option<u16> {
    let (name, value) = param.split_once('=')?;
    if !name.trim().eq_ignore_ascii_case("q") {
        return None;
    }
    let value: f64 = value.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
        .or(Some(0))
}

struct MediaRange<'a> {
    kind: String,
    params: Vec<(String, &'a str)>,
    quality: u16,
}

impl<'a> MediaRange<'a> {
    fn parse(text: &'a str) -> Option<MediaRange<'a>> {
        let mut parts = text.split(';');
        let kind = parts.next()?.trim().to_ascii_lowercase();
        if !kind.contains('/') {
            return None;
        }
        let mut quality = 1000;
        let mut params = Vec::new();
        for param in parts {
            if let Some(q) = parse_quality(param) {
                quality = q;
            } else if let Some((name, value)) = param.split_once('=') {
                params.push((
                    name.trim().to_ascii_lowercase(),
                    value.trim().trim_matches('"'),
                ));
            }
        }
        Some(MediaRange {
            kind,
            params,
            quality,
        })
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| *value)
    }

    /// How specifically this range names `format` (3: type and parameters, 2: the type,
    /// 1: `type/*`, 0: `*/*`), or `None` when it does not.
    fn matches(&self, format: Format) -> Option<u8> {
        match (self.kind.as_str(), format) {
            ("*/*", Format::Text) => Some(0),
            ("text/*", Format::Text) => Some(1),
            ("text/plain", Format::Text) => match self.param("version") {
                None => Some(2),
                Some("0.0.4") => Some(3),
                Some(_) => None,
            },
            ("application/openmetrics-text", Format::OpenMetrics) => match self.param("version") {
                None => Some(2),
                Some("1.0.0") => Some(3),
                // 0.0.1 is the draft version 1.0.0 grew from; Prometheus accepts either.
                Some("0.0.1") => Some(2),
                Some(_) => None,
            },
            ("application/vnd.google.protobuf", Format::Protobuf) => {
                let proto = self.param("proto");
                let encoding = self.param("encoding");
                let right_proto = proto.is_none_or(|p| p == "io.prometheus.client.MetricFamily");
                let delimited = encoding.is_none_or(|e| e == "delimited");
                (right_proto && delimited).then_some(if proto.is_some() { 3 } else { 2 })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_values_decide() {
        let accept = |header| Format::from_accept(Some(header));
        assert_eq!(accept("*/*"), Format::Text);
        assert_eq!(accept("text/plain;version=0.0.4"), Format::Text);
        assert_eq!(accept("application/openmetrics-text"), Format::OpenMetrics);
        assert_eq!(
            accept("text/plain;q=0.9, application/openmetrics-text;version=1.0.0;q=0.5"),
            Format::Text
        );
        assert_eq!(
            accept("text/plain;q=0.4, application/openmetrics-text; version=1.0.0; q=0.5"),
            Format::OpenMetrics
        );
        // What Prometheus 2.42 sends, and with protobuf first as when native histograms are on.
        assert_eq!(
            accept(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
                 version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
            ),
            Format::OpenMetrics
        );
        assert_eq!(
            accept(
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;\
                 encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,*/*;q=0.1"
            ),
            Format::Protobuf
        );
        // Same quality: the client's first choice.
        assert_eq!(
            accept("application/openmetrics-text, text/plain"),
            Format::OpenMetrics
        );
        assert_eq!(
            accept("text/plain, application/openmetrics-text"),
            Format::Text
        );
    }

    #[test]
    fn refused_and_unknown_ranges() {
        let accept = |header| Format::from_accept(Some(header));
        // `q=0` rules text out even though `*/*` would allow it.
        assert_eq!(
            accept("text/plain;q=0, */*;q=0.5, application/openmetrics-text;q=0.2"),
            Format::OpenMetrics
        );
        assert_eq!(accept("application/json"), Format::Text);
        assert_eq!(accept("text/plain;version=9.9.9"), Format::Text);
        assert_eq!(
            accept("application/vnd.google.protobuf;proto=other.Message"),
            Format::Text
        );
        assert_eq!(accept("garbage, ;;, q=1"), Format::Text);
    }

    #[test]
    fn gzip_only_when_accepted() {
        assert!(accepts_gzip(Some("gzip")));
        assert!(accepts_gzip(Some("deflate, gzip;q=0.5")));
        assert!(accepts_gzip(Some("*")));
        assert!(accepts_gzip(Some("br, X-GZIP")));
        assert!(!accepts_gzip(Some("gzip;q=0")));
        assert!(!accepts_gzip(Some("gzip;q=0, *")));
        assert!(!accepts_gzip(Some("identity")));
        assert!(!accepts_gzip(None));
    }
}
