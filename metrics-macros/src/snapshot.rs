//! Expansion snapshots: `tests/expand/NAME.rs` holds `#[metric]` declarations, and
//! `tests/expand/NAME.expanded.rs` the code this crate generates for them, pretty-printed. A
//! change to the generated code fails this test until the snapshot is regenerated with
//! `METRICS_EXPAND=overwrite cargo test -p metrics-macros snapshot` and the diff reviewed.

use std::fs;
use std::path::Path;

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Meta};

const HEADER: &str = "// The expansion of the `#[metric]` declarations in the file of the same name, written by\n\
                      // `METRICS_EXPAND=overwrite cargo test -p metrics-macros snapshot`. Do not edit.\n\n";

/// Each declaration of the file as (the `#[metric]` arguments, the item without `#[metric]`).
fn declarations(source: &str) -> Vec<(TokenStream, TokenStream)> {
    let parser = |input: ParseStream| {
        let mut declarations = Vec::new();
        while !input.is_empty() {
            let mut args = None;
            let mut attrs = Vec::new();
            for attr in input.call(Attribute::parse_outer)? {
                match (&attr.meta, attr.path().is_ident("metric")) {
                    (Meta::Path(_), true) => args = Some(TokenStream::new()),
                    (Meta::List(list), true) => args = Some(list.tokens.clone()),
                    _ => attrs.push(attr),
                }
            }
            let mut item = TokenStream::new();
            loop {
                let token: TokenTree = input.parse()?;
                let end = matches!(&token, TokenTree::Punct(punct) if punct.as_char() == ';');
                item.extend([token]);
                if end {
                    break;
                }
            }
            let args = args.ok_or_else(|| input.error("every declaration has #[metric]"))?;
            declarations.push((args, quote!(#(#attrs)* #item)));
        }
        Ok(declarations)
    };
    parser.parse_str(source).expect("the input parses")
}

fn expand_file(source: &str) -> String {
    crate::namespace::forget_tracked();
    let mut expanded = TokenStream::new();
    for (args, item) in declarations(source) {
        expanded.extend(crate::expand::metric(args, item).expect("the declaration is valid"));
    }
    let file = syn::parse2(expanded).expect("the expansion is a list of items");
    format!("{HEADER}{}", prettyplease::unparse(&file))
}

#[test]
fn snapshot_expansions_match() {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let overwrite = std::env::var("METRICS_EXPAND").as_deref() == Ok("overwrite");
    let mut inputs: Vec<_> = fs::read_dir(&directory)
        .expect("tests/expand exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "rs")
                && !path.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", directory.display());

    let mut stale = Vec::new();
    for input in &inputs {
        let expected_path = input.with_extension("expanded.rs");
        let actual = expand_file(&fs::read_to_string(input).expect("readable"));
        if overwrite {
            fs::write(&expected_path, &actual).expect("writable");
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => stale.push(format!(
                "{} differs from the expansion:\n--- expected\n{expected}\n--- actual\n{actual}",
                expected_path.display()
            )),
            Err(_) => stale.push(format!("{} is missing", expected_path.display())),
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n\nIf the change is intended: METRICS_EXPAND=overwrite cargo test -p metrics-macros \
         snapshot, and review the diff.",
        stale.join("\n\n")
    );
}
