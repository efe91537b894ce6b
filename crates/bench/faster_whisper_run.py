"""Reference transcription for `briefly-bench process`: faster-whisper, int8, on a WAV.

Prints one JSON line: {"seconds": wall time of load+transcribe, "words": n, "text": the transcript}.
"""
import json
import sys
import time

from faster_whisper import WhisperModel


def main() -> None:
    audio, model_dir, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    started = time.perf_counter()
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1)
    segments, _info = model.transcribe(audio, beam_size=5, word_timestamps=True, language="en")
    words = []
    texts = []
    for segment in segments:  # the generator does the work
        texts.append(segment.text)
        words.extend(segment.words or [])
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "words": len(words), "text": " ".join(texts)}))


if __name__ == "__main__":
    main()
