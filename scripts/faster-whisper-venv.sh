# Sourced by scripts/bench-process.sh and bench-transcribe.sh (not run on its own): makes
# (once, cached) a Python venv with faster-whisper, the reference those benchmarks run,
# and sets $faster_whisper_python to its interpreter.
faster_whisper_venv="$HOME/.cache/briefly/bench/venv"
if [ ! -x "$faster_whisper_venv/bin/python" ] || ! "$faster_whisper_venv/bin/python" -c 'import faster_whisper' 2>/dev/null; then
  mkdir -p "$(dirname "$faster_whisper_venv")"
  python3 -m venv "$faster_whisper_venv"
  "$faster_whisper_venv/bin/pip" install --quiet faster-whisper==1.2.1
fi
faster_whisper_python="$faster_whisper_venv/bin/python"
