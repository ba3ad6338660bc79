//! Runs the example service: `voice-service [--host ADDR] [--port N]` (port default: `$PORT`,
//! else 8000; address default: 0.0.0.0, all interfaces).
//!
//! `voice-service --list-metrics` prints every metric of the binary as Markdown
//! (`--list-metrics=json`: as JSON), and `voice-service --grafana-dashboard` the service's
//! Grafana dashboard, generated from that catalog; both then exit.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

fn port_from(args: &[String], env_port: Option<String>) -> Result<u16, String> {
    let mut port = env_port;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => {
                port = Some(args.next().ok_or("--port needs a value")?.clone());
            }
            "--host" => {
                args.next().ok_or("--host needs a value")?;
            }
            "--list-metrics" | "--grafana-dashboard" => {}
            other if other.starts_with("--list-metrics=") => {}
            other if other.starts_with("--host=") => {}
            other => match other.strip_prefix("--port=") {
                Some(value) => port = Some(value.to_owned()),
                None => {
                    return Err(format!(
                        "unknown argument {other:?}; usage: voice-service [--host ADDR] [--port N]"
                    ));
                }
            },
        }
    }
    match port {
        None => Ok(8000),
        Some(port) => port
            .parse()
            .map_err(|_| format!("invalid port {port:?}: expected a number from 0 to 65535")),
    }
}

fn host_from(args: &[String]) -> Result<IpAddr, String> {
    let mut host = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--host" {
            host = args.next().cloned();
        } else if let Some(value) = arg.strip_prefix("--host=") {
            host = Some(value.to_owned());
        } else if arg == "--port" || arg == "-p" {
            args.next();
        }
    }
    match host {
        None => Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        Some(host) => host
            .parse()
            .map_err(|_| format!("invalid address {host:?}: expected an IP address")),
    }
}

/// What `--list-metrics[=md|json]` or `--grafana-dashboard` asks to print instead of serving.
fn listing_from(args: &[String]) -> Result<Option<Listing>, String> {
    let mut listing = None;
    for arg in args {
        let asked = match arg.as_str() {
            "--list-metrics" | "--list-metrics=md" => Listing::Markdown,
            "--list-metrics=json" => Listing::Json,
            "--grafana-dashboard" => Listing::Dashboard,
            other if other.starts_with("--list-metrics=") => {
                return Err(format!(
                    "unknown catalog format {:?}: expected --list-metrics=md or \
                     --list-metrics=json",
                    &other["--list-metrics=".len()..]
                ));
            }
            _ => continue,
        };
        listing = Some(asked);
    }
    Ok(listing)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Listing {
    Markdown,
    Json,
    Dashboard,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let listing = match listing_from(&args) {
        Ok(listing) => listing,
        Err(message) => {
            eprintln!("voice-service: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(listing) = listing {
        // The facade's families (Tokio's runtime metrics) exist once the reporter is built.
        if let Err(message) = voice_service::report_runtime_metrics() {
            eprintln!("voice-service: {message}");
            return ExitCode::FAILURE;
        }
        match listing {
            Listing::Markdown => print!("{}", metrics_core::catalog::catalog().to_markdown()),
            Listing::Json => print!("{}", metrics_core::catalog::catalog().to_json()),
            Listing::Dashboard => print!("{}", voice_service::grafana_dashboard()),
        }
        return ExitCode::SUCCESS;
    }
    let address =
        port_from(&args, std::env::var("PORT").ok()).and_then(|port| Ok((host_from(&args)?, port)));
    let (host, port) = match address {
        Ok(address) => address,
        Err(message) => {
            eprintln!("voice-service: {message}");
            return ExitCode::from(2);
        }
    };
    // Duplicates normally fail the build; this reports any that reached the binary anyway.
    if let Err(error) = metrics_core::registry().check() {
        eprintln!("voice-service: {error}");
        return ExitCode::FAILURE;
    }
    if let Err(message) = voice_service::report_runtime_metrics() {
        eprintln!("voice-service: {message}");
        return ExitCode::FAILURE;
    }
    let listener = match tokio::net::TcpListener::bind(SocketAddr::from((host, port))).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("voice-service: cannot listen on port {port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => println!("voice-service listening on http://{addr} (metrics at /metrics)"),
        Err(error) => eprintln!("voice-service: {error}"),
    }
    if let Err(error) = voice_service::serve(listener).await {
        eprintln!("voice-service: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::{Listing, host_from, listing_from, port_from};

    #[test]
    fn catalog_flags_choose_a_listing() {
        assert_eq!(listing_from(&args(&["--port", "1"])), Ok(None));
        assert_eq!(
            listing_from(&args(&["--list-metrics"])),
            Ok(Some(Listing::Markdown))
        );
        assert_eq!(
            listing_from(&args(&["--list-metrics=md"])),
            Ok(Some(Listing::Markdown))
        );
        assert_eq!(
            listing_from(&args(&["--list-metrics=json"])),
            Ok(Some(Listing::Json))
        );
        assert_eq!(
            listing_from(&args(&["--grafana-dashboard"])),
            Ok(Some(Listing::Dashboard))
        );
        assert_eq!(
            listing_from(&args(&["--list-metrics=yaml"])),
            Err(
                "unknown catalog format \"yaml\": expected --list-metrics=md or \
                 --list-metrics=json"
                    .to_owned()
            )
        );
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn port_defaults_to_8000_then_env_then_flag() {
        assert_eq!(port_from(&args(&[]), None), Ok(8000));
        assert_eq!(port_from(&args(&[]), Some("9100".into())), Ok(9100));
        assert_eq!(
            port_from(&args(&["--port", "9200"]), Some("9100".into())),
            Ok(9200)
        );
        assert_eq!(port_from(&args(&["--port=0"]), None), Ok(0));
    }

    #[test]
    fn bad_port_is_an_error() {
        assert_eq!(
            port_from(&args(&["--port", "http"]), None),
            Err("invalid port \"http\": expected a number from 0 to 65535".to_owned())
        );
        assert_eq!(
            port_from(&args(&["--port"]), None),
            Err("--port needs a value".to_owned())
        );
        assert!(port_from(&args(&["--verbose"]), None).is_err());
    }

    #[test]
    fn host_defaults_to_every_interface() {
        assert_eq!(host_from(&args(&[])), Ok("0.0.0.0".parse().unwrap()));
        assert_eq!(
            host_from(&args(&["--port", "1", "--host", "127.0.0.1"])),
            Ok("127.0.0.1".parse().unwrap())
        );
        assert_eq!(
            port_from(&args(&["--host=127.0.0.1", "--port=5"]), None),
            Ok(5)
        );
        assert_eq!(
            host_from(&args(&["--host", "localhost"])),
            Err("invalid address \"localhost\": expected an IP address".to_owned())
        );
    }
}
