//! The Rust toolchains installed on this machine, for tests that build the same code with
//! every compiler a user might have (`rustup toolchain list`).

use std::process::Command;

/// One installed compiler.
#[derive(Clone, Debug)]
pub struct Toolchain {
    /// The rustup toolchain name, or `None` for the compiler running the tests.
    pub rustup_name: Option<String>,
    /// For messages: the rustup name, or "the current toolchain".
    pub name: String,
    /// `rustc -V`, e.g. `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub version: String,
}

impl Toolchain {
    /// `cargo` of this toolchain, without the variables the outer cargo set for the tests
    /// (they would point the inner build at the outer compiler or target directory).
    pub fn cargo(&self) -> Command {
        let mut command = match &self.rustup_name {
            Some(name) => {
                let mut command = Command::new("rustup");
                command.args(["run", name, "cargo"]);
                command
            }
            None => Command::new(env!("CARGO")),
        };
        for variable in [
            "RUSTC",
            "RUSTDOC",
            "RUSTC_WRAPPER",
            "RUSTC_WORKSPACE_WRAPPER",
            "CARGO_BUILD_RUSTC",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
        ] {
            command.env_remove(variable);
        }
        if self.rustup_name.is_some() {
            command.env_remove("RUSTUP_TOOLCHAIN").env_remove("CARGO");
        }
        command
    }
}

/// The compiler running the tests (rustup passes its choice down in `RUSTUP_TOOLCHAIN`).
pub fn current() -> Toolchain {
    Toolchain {
        rustup_name: None,
        name: "the current toolchain".to_owned(),
        version: rustc_version(Command::new("rustc")),
    }
}

/// One toolchain per distinct compiler version that `rustup toolchain list` shows (`stable`
/// and `1.95.0` are often the same compiler); just the current one without rustup.
pub fn installed() -> Vec<Toolchain> {
    let Ok(output) = Command::new("rustup").args(["toolchain", "list"]).output() else {
        return vec![current()];
    };
    let mut toolchains: Vec<Toolchain> = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some(name) = line.split_whitespace().next() else {
            continue;
        };
        let mut command = Command::new("rustup");
        command
            .args(["run", name, "rustc"])
            .env_remove("RUSTUP_TOOLCHAIN");
        let version = rustc_version(command);
        if !toolchains.iter().any(|known| known.version == version) {
            toolchains.push(Toolchain {
                rustup_name: Some(name.to_owned()),
                name: name.to_owned(),
                version,
            });
        }
    }
    toolchains
}

fn rustc_version(mut command: Command) -> String {
    let output = command.arg("-V").output().expect("rustc -V runs");
    assert!(output.status.success(), "{command:?} failed");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
