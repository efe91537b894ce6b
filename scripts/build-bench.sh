# Sourced by scripts/bench-*.sh (not run on its own): builds the server (`briefly`) and
# the benchmarks (`briefly-bench`, crates/bench), then hard-links both into a folder of
# their own, $bench_bin (the caller removes it), and sets $bench to the benchmark binary
# there. briefly-bench starts the `briefly` beside it, so what is measured is this
# checkout's build even if another checkout sharing the target folder rebuilds
# target/release/briefly while a benchmark runs.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/briefly/target}"
cargo build --release --quiet -p briefly -p briefly-bench
bench_bin=$(mktemp -d "$CARGO_TARGET_DIR/bench-bin.XXXXXX")
for binary in briefly briefly-bench; do
  ln "$CARGO_TARGET_DIR/release/$binary" "$bench_bin/$binary"
done
bench="$bench_bin/briefly-bench"
