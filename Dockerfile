# syntax=docker/dockerfile:1
#
# Briefly container image: one binary, `briefly`, used by every role
# (`serve`, `serve --no-worker`, `worker`, `migrate`, `config`).
#
#   docker build -t briefly .
#   docker run --rm -p 8080:8080 -v briefly-data:/data briefly            # all-in-one, SQLite + local disk
#   docker run --rm briefly config                                        # print resolved settings
#
# See docker-compose.yml for the scale-out layout (Postgres + S3/MinIO,
# separate api and worker services).

############################ build stage ############################
FROM rust:1-bookworm AS builder

# Native build dependencies (unpinned on purpose: bookworm point/security
# releases only ship fixes, and pinning would break on every update):
#  - FFmpeg development headers/libs (media probing, thumbnails, audio extraction)
#  - clang/libclang for bindgen, cmake for the vendored whisper.cpp/ggml build,
#    OpenBLAS for its encoder
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      pkg-config clang libclang-dev cmake libopenblas-dev \
      libavcodec-dev libavformat-dev libavutil-dev libswscale-dev \
      libswresample-dev libavfilter-dev libavdevice-dev \
 && rm -rf /var/lib/apt/lists/*

# Portable image: don't let ggml compile for the build machine's CPU
# (-march=native would crash with SIGILL on older hosts).
ENV GGML_NATIVE=OFF \
    CARGO_TERM_COLOR=never

WORKDIR /src
# Whole context (minus .dockerignore): Cargo.toml/Cargo.lock, src/, migrations/
# (embedded at compile time by sqlx::migrate!), and anything added later
# (build.rs, web assets).
COPY . .

# BuildKit cache mounts keep the registry and target dir between builds; the
# binary is copied out of the (cache-mounted) target dir so the next stage sees it.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin briefly \
 && install -D -m 0755 target/release/briefly /out/briefly

############################ runtime stage ############################
FROM debian:bookworm-slim AS runtime

# Runtime counterparts of the -dev packages above (bookworm = FFmpeg 5.1),
# libgomp1 for ggml's OpenMP threads, OpenBLAS for whisper.cpp's encoder, CA roots for S3 over TLS, and curl for
# container health checks against /healthz.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libavcodec59 libavformat59 libavutil57 libswscale6 \
      libswresample4 libavfilter8 libavdevice59 \
      libgomp1 libopenblas0 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# Unprivileged user; /data holds the SQLite database and local media when no
# Postgres/S3 is configured (BRIEFLY_DATA_DIR).
RUN groupadd --system --gid 10001 briefly \
 && useradd --system --uid 10001 --gid briefly --home-dir /data --shell /usr/sbin/nologin briefly \
 && mkdir -p /data /models \
 && chown briefly:briefly /data /models

COPY --from=builder /out/briefly /usr/local/bin/briefly

# RUST_LOG is left unset on purpose: briefly's built-in default filter is
# `info` with noisy dependencies (sqlx, aws) turned down.
ENV BRIEFLY_LISTEN=0.0.0.0:8080 \
    BRIEFLY_DATA_DIR=/data

# Numeric ids, so runtimes can verify non-root (e.g. Kubernetes runAsNonRoot).
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

ENTRYPOINT ["briefly"]
CMD ["serve"]
