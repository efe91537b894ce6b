//! Embeds the web app (`web/`) into the binary: generates a table of
//! `(path, include_bytes!(...))` for every file, so `briefly` serves the app with no files
//! beside it and no Node build step.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read web/").filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, root, out);
        } else {
            let relative = path.strip_prefix(root).expect("under web/").to_string_lossy().replace('\\', "/");
            if relative != "README.md" {
                out.push((relative, path));
            }
        }
    }
}

fn main() {
    // Read at run time, not with env!: checkouts share one target folder (CI caches it),
    // and a build script compiled in another checkout must still read this one's web/.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("web");
    println!("cargo:rerun-if-changed=web");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let mut code = String::from(
        "/// Every file under `web/`, by its path relative to `web/`.\npub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (relative, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(code, "    ({relative:?}, include_bytes!({:?})),", path.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("web_files.rs");
    std::fs::write(out, code).unwrap();
}
