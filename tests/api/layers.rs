//! The import rules of ARCHITECTURE.md, checked on the source itself: HTTP stays in
//! `api/`, `web/` and `app.rs`; arrows between the layers run downward only; no two
//! modules import each other. Reads `src/` as text, so it fails the moment a new `use`
//! breaks a rule, before anyone has to notice in review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules by layer, from the top. A module may import its own layer and the
/// layers below it.
const LAYERS: &[(&str, &[&str])] = &[
    ("entry", &["main", "lib", "cli", "app", "telemetry"]),
    ("http", &["api", "web"]),
    ("workers", &["processing"]),
    (
        "services",
        &["videos", "uploads", "collab", "workspaces", "auth", "search", "webhooks", "events", "transcripts", "edits"],
    ),
    // `config` is plain settings, parsed once at startup and read everywhere.
    ("ground", &["jobs", "media", "speech", "domain", "db", "store", "config"]),
];

/// The one upward arrow: handlers receive the wired services as `app::AppState`.
const ALLOWED_UPWARD: &[(&str, &str)] = &[("api", "app"), ("web", "app")];

/// Pairs allowed to name each other: the upward arrow above (app.rs mounts the router
/// whose handlers take its `AppState`), and the two halves of the HTTP layer (the pages
/// answer with the API's error type and document oEmbed in its OpenAPI; the API's router
/// mounts the pages and falls back to their 404 page).
const ALLOWED_MUTUAL: &[(&str, &str)] = &[("api", "app"), ("api", "web"), ("app", "web")];

/// Where axum (and the HTTP error type) may be named at all.
const HTTP_ALLOWED: &[&str] = &["api", "web", "app"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, modules)| modules.contains(&module))
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/videos/view.rs` -> `videos`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file without its comments (doc links are not imports).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(n, line)| (n + 1, line.split("//").next().unwrap_or("")))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// Every `crate::x` a line names.
fn crate_references(line: &str) -> Vec<String> {
    line.match_indices("crate::")
        .filter(|(at, _)| !line[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(at, m)| line[at + m.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .filter(|name: &String| !name.is_empty())
        .collect()
}

struct Source {
    module: String,
    file: PathBuf,
    text: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "found the sources ({} files)", files.len());
    files
        .into_iter()
        .map(|file| Source { module: module_of(&src, &file), text: std::fs::read_to_string(&file).unwrap(), file })
        .collect()
}

#[test]
fn only_the_http_layer_names_axum_or_the_api() {
    let mut offences = Vec::new();
    for source in sources().iter().filter(|s| !HTTP_ALLOWED.contains(&s.module.as_str())) {
        for (n, line) in code_lines(&source.text) {
            let names_axum = line.contains("axum::") || line.trim_start().starts_with("use axum");
            let names_api = crate_references(line).iter().any(|m| m == "api");
            if names_axum || names_api {
                offences.push(format!("{}:{n}: {}", source.file.display(), line.trim()));
            }
        }
    }
    assert!(offences.is_empty(), "HTTP outside api/, web/ and app.rs:\n{}", offences.join("\n"));
}

#[test]
fn arrows_run_downward_and_never_both_ways() {
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    for source in sources() {
        let Some(own_layer) = layer_of(&source.module) else {
            panic!("{} is in no layer: add its module to LAYERS (and ARCHITECTURE.md)", source.file.display());
        };
        for (n, line) in code_lines(&source.text) {
            for target in crate_references(line) {
                if target == source.module {
                    continue;
                }
                let Some(target_layer) = layer_of(&target) else { continue };
                if target_layer < own_layer && !ALLOWED_UPWARD.contains(&(source.module.as_str(), target.as_str())) {
                    upward.push(format!("{}:{n}: {} -> {target}", source.file.display(), source.module));
                }
                imports.entry(source.module.clone()).or_default().insert(target);
            }
        }
    }
    assert!(upward.is_empty(), "imports pointing up a layer:\n{}", upward.join("\n"));
    let mut mutual = Vec::new();
    for (module, targets) in &imports {
        for target in targets {
            let allowed = ALLOWED_MUTUAL.contains(&(module.as_str(), target.as_str()));
            if module < target && !allowed && imports.get(target).is_some_and(|back| back.contains(module)) {
                mutual.push(format!("{module} <-> {target}"));
            }
        }
    }
    assert!(mutual.is_empty(), "modules importing each other:\n{}", mutual.join("\n"));
}

#[test]
fn the_rules_catch_what_they_are_for() {
    // The checks above pass only if these helpers see real imports.
    assert_eq!(crate_references("use crate::api::error::AppError;"), vec!["api"]);
    assert_eq!(crate_references("x: crate::videos::Videos, y: mycrate::z"), vec!["videos"]);
    assert_eq!(code_lines("let a = 1; // crate::api\n// use axum::Router;\n").count(), 1);
    assert!(layer_of("processing") < layer_of("videos"));
}
