"""Reference transcription for `briefly-bench process` and `transcribe`: faster-whisper, int8, on a WAV.

Usage: faster_whisper_run.py AUDIO.wav MODEL_DIR THREADS [LANGUAGE (default en)]

Prints one JSON line: {"seconds": wall time of load+transcribe, "load_seconds": of the
load alone, "words": n, "language": the one used, "text": the transcript}.
"""
import json
import sys
import time

from faster_whisper import WhisperModel


def main() -> None:
    audio, model_dir, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    language = sys.argv[4] if len(sys.argv) > 4 else "en"
    started = time.perf_counter()
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1)
    loaded = time.perf_counter()
    segments, info = model.transcribe(audio, beam_size=5, word_timestamps=True, language=language)
    words = []
    texts = []
    for segment in segments:  # the generator does the work
        texts.append(segment.text)
        words.extend(segment.words or [])
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "seconds": elapsed,
        "load_seconds": loaded - started,
        "words": len(words),
        "language": info.language,
        "text": " ".join(texts),
    }))


if __name__ == "__main__":
    main()
