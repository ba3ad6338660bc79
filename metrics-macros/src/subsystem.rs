//! `#[subsystem("calls")]` on an inline module: every `#[metric]` inside it (nested modules
//! included) gets `subsystem = "calls"`.
//!
//! Attribute macros run outside in, so this one sees the module's tokens before the
//! `#[metric]` attributes in it expand, and adds the argument to each of them.

use proc_macro2::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};
use quote::quote;
use syn::LitStr;

pub fn subsystem(args: TokenStream, input: TokenStream) -> syn::Result<TokenStream> {
    let prefix: LitStr = syn::parse2(args).map_err(|error| {
        syn::Error::new(
            error.span(),
            "#[subsystem] takes the prefix as a string: #[subsystem(\"calls\")]",
        )
    })?;
    if let Err(message) = metrics_naming::check_prefix(&prefix.value()) {
        return Err(syn::Error::new(
            prefix.span(),
            format!("invalid subsystem: {message}"),
        ));
    }
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let is_module = tokens
        .iter()
        .any(|token| matches!(token, TokenTree::Ident(ident) if ident == "mod"));
    let has_body = matches!(
        tokens.last(),
        Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace
    );
    if !is_module || !has_body {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[subsystem] goes on an inline module: `#[subsystem(\"calls\")] mod calls { ... }` \
             (a `mod calls;` in its own file cannot take it: give each metric \
             `subsystem = \"calls\"` there)",
        ));
    }
    let mut errors = Vec::new();
    let output = rewrite(tokens, &prefix, &mut errors);
    let errors = errors.into_iter().map(syn::Error::into_compile_error);
    Ok(quote!(#(#errors)* #output))
}

/// Adds `subsystem = PREFIX` to every `#[metric]` / `#[metric(...)]` attribute in `tokens`.
fn rewrite(tokens: Vec<TokenTree>, prefix: &LitStr, errors: &mut Vec<syn::Error>) -> TokenStream {
    let mut out = Vec::with_capacity(tokens.len());
    let mut previous_is_pound = false;
    for token in tokens {
        let token = match token {
            TokenTree::Group(group)
                if previous_is_pound && group.delimiter() == Delimiter::Bracket =>
            {
                match metric_attribute(&group, prefix, errors) {
                    Some(rewritten) => TokenTree::Group(rewritten),
                    None => TokenTree::Group(group),
                }
            }
            TokenTree::Group(group) => {
                let inner = rewrite(group.stream().into_iter().collect(), prefix, errors);
                let mut rewritten = Group::new(group.delimiter(), inner);
                rewritten.set_span(group.span());
                TokenTree::Group(rewritten)
            }
            other => other,
        };
        previous_is_pound = matches!(&token, TokenTree::Punct(punct) if punct.as_char() == '#' && punct.spacing() == Spacing::Alone);
        out.push(token);
    }
    out.into_iter().collect()
}

/// The attribute with `subsystem` added, if `group` is `[metric]`, `[metric(...)]` or the
/// same with a path (`[metrics_core::metric(...)]`).
fn metric_attribute(group: &Group, prefix: &LitStr, errors: &mut Vec<syn::Error>) -> Option<Group> {
    let tokens: Vec<TokenTree> = group.stream().into_iter().collect();
    let (path, arguments) = match tokens.last() {
        Some(TokenTree::Group(args)) if args.delimiter() == Delimiter::Parenthesis => {
            (&tokens[..tokens.len() - 1], Some(args))
        }
        _ => (&tokens[..], None),
    };
    let last_ident = path.iter().rev().find_map(|token| match token {
        TokenTree::Ident(ident) => Some(ident.to_string()),
        _ => None,
    })?;
    let only_path = path.iter().all(|token| match token {
        TokenTree::Ident(_) => true,
        TokenTree::Punct(punct) => punct.as_char() == ':',
        _ => false,
    });
    if last_ident != "metric" || !only_path {
        return None;
    }
    let mut arguments: Vec<TokenTree> = arguments
        .map(|args| args.stream().into_iter().collect())
        .unwrap_or_default();
    let mut previous_is_subsystem = None;
    for token in &arguments {
        match token {
            TokenTree::Ident(ident) if ident == "subsystem" => previous_is_subsystem = Some(ident),
            TokenTree::Punct(punct) if punct.as_char() == '=' => {
                if let Some(ident) = previous_is_subsystem {
                    errors.push(syn::Error::new(
                        ident.span(),
                        format!(
                            "the module's #[subsystem({:?})] sets the subsystem already: remove \
                             this one, or move the metric out of the module",
                            prefix.value()
                        ),
                    ));
                    return None;
                }
            }
            _ => previous_is_subsystem = None,
        }
    }
    let needs_comma = !arguments.is_empty()
        && !matches!(arguments.last(), Some(TokenTree::Punct(punct)) if punct.as_char() == ',');
    if needs_comma {
        arguments.extend(quote!(,));
    }
    arguments.extend(quote!(subsystem = #prefix));
    let mut args = Group::new(Delimiter::Parenthesis, arguments.into_iter().collect());
    args.set_span(group.span());
    let mut attribute: Vec<TokenTree> = path.to_vec();
    attribute.push(TokenTree::Group(args));
    let mut rewritten = Group::new(Delimiter::Bracket, attribute.into_iter().collect());
    rewritten.set_span(group.span());
    Some(rewritten)
}
