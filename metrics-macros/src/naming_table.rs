//! `__naming_verdicts!`: what `#[metric]` decides about a table of names, as data, so that a
//! test can hold the runtime's naming (`metrics_core::naming`, `testing::lint_text`, the
//! registry's family names) against the attribute's. Not for users: hidden, and only the
//! workspace's tests call it.

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{LitStr, Token, Type, bracketed};

use crate::ast::metric_type;
use crate::expand;

/// `Type "name"`, or `Type "name" ["label"]` for a `*Vec` type.
struct Entry {
    ty: Type,
    name: LitStr,
    label: Option<LitStr>,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let ty = input.parse()?;
        let name = input.parse()?;
        let mut label = None;
        if input.peek(syn::token::Bracket) {
            let content;
            bracketed!(content in input);
            label = Some(content.parse()?);
        }
        Ok(Entry { ty, name, label })
    }
}

/// For each entry, `(type, name, label, verdict)`: the `# TYPE` word of the declared type, the
/// name, the label (`Option`), and `Ok(family)` (the OpenMetrics family the expansion's duplicate check is keyed by) when
/// `#[metric(name = "...")]` on a static of that type compiles, or `Err(messages)` with every
/// error it reports.
pub fn verdicts(input: TokenStream) -> syn::Result<TokenStream> {
    let entries = Punctuated::<Entry, Token![,]>::parse_terminated.parse2(input)?;
    let rows = entries.iter().map(|entry| {
        let Entry { ty, name, label } = entry;
        let type_word = match metric_type(ty) {
            Ok(info) => info.kind.metric_type().openmetrics_str(),
            Err(error) => return error.into_compile_error(),
        };
        let mut args = quote!(name = #name);
        if let Some(label) = label {
            args.extend(quote!(, labels = [#label]));
        }
        if type_word == "stateset" {
            args.extend(quote!(, states = ["on"]));
        }
        let item = quote! {
            #[doc = " Checked by __naming_verdicts."]
            static NAMING_VERDICT: #ty;
        };
        let verdict = match expand::metric(args, item) {
            Ok(expansion) => match family(expansion) {
                Some(family) => quote!(::core::result::Result::Ok(#family)),
                None => {
                    return syn::Error::new(name.span(), "the expansion has no family macro")
                        .into_compile_error();
                }
            },
            Err(errors) => {
                let messages = errors.into_iter().map(|error| error.to_string());
                quote!(::core::result::Result::Err(&[#(#messages),*]))
            }
        };
        let label = match label {
            Some(label) => quote!(::core::option::Option::Some(#label)),
            None => quote!(::core::option::Option::None),
        };
        quote!((#type_word, #name, #label, #verdict))
    });
    Ok(quote!(&[#(#rows),*]))
}

/// FAMILY of the `metric_FAMILY_total_or_FAMILY_is_declared_twice_...` macro the expansion
/// defines.
fn family(expansion: TokenStream) -> Option<String> {
    expansion.into_iter().find_map(|token| match token {
        TokenTree::Ident(ident) => {
            let ident = ident.to_string();
            let rest = ident.strip_prefix("metric_")?;
            let (family, _) = rest.split_once("_total_or_")?;
            Some(family.to_owned())
        }
        TokenTree::Group(group) => family(group.stream()),
        _ => None,
    })
}
