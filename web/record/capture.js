// Getting the streams to record: microphone, camera, screen, and for "screen + camera"
// a canvas composite with the camera as a movable circle over the screen.

/** Raw voice: browsers' echo cancellation / noise suppression / gain control can mangle
 * speech (and silence a test tone), and a recording has no far end to cancel anyway. */
export function micConstraints(deviceId) {
  return {
    deviceId: deviceId ? { exact: deviceId } : undefined,
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
    channelCount: 1,
  };
}

export async function microphone(deviceId) {
  return navigator.mediaDevices.getUserMedia({ audio: micConstraints(deviceId) });
}

export async function camera() {
  return navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } });
}

export async function screen() {
  // preferCurrentTab lets the browser offer "this tab" first (and headless tests accept it).
  return navigator.mediaDevices.getDisplayMedia({
    video: { frameRate: { ideal: 30 }, width: { max: 1920 }, height: { max: 1080 } },
    audio: false,
    preferCurrentTab: true,
    selfBrowserSurface: 'include',
  });
}

export async function microphones() {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices.filter((d) => d.kind === 'audioinput');
}

function playingVideo(stream) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  video.play().catch(() => {});
  return video;
}

const FPS = 30;

/** Screen with the camera drawn as a circle on top, on a canvas that can be recorded. */
export class BubbleCompositor {
  constructor(screenStream, cameraStream) {
    this.screen = playingVideo(screenStream);
    this.camera = playingVideo(cameraStream);
    this.canvas = document.createElement('canvas');
    this.canvas.width = 1280;
    this.canvas.height = 720;
    this.context = this.canvas.getContext('2d');
    // Bubble centre as fractions of the frame, so it stays put when the size changes.
    this.bubble = { x: 0.12, y: 0.8, radius: 0.16 };
    this.ticker = new Worker('/assets/record/ticker-worker.js');
    this.ticker.onmessage = () => this.draw();
    this.ticker.postMessage({ fps: FPS });
  }

  stream() {
    return this.canvas.captureStream(FPS);
  }

  /** Move the bubble centre to (x, y) in 0..1 frame coordinates, kept inside the frame. */
  moveBubble(x, y) {
    const rx = (this.bubble.radius * this.canvas.height) / this.canvas.width;
    this.bubble.x = Math.min(1 - rx, Math.max(rx, x));
    this.bubble.y = Math.min(1 - this.bubble.radius, Math.max(this.bubble.radius, y));
  }

  draw() {
    const { canvas, context: ctx, screen, camera } = this;
    if (screen.videoWidth && (canvas.width !== screen.videoWidth || canvas.height !== screen.videoHeight)) {
      canvas.width = screen.videoWidth;
      canvas.height = screen.videoHeight;
    }
    ctx.fillStyle = '#111';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (screen.readyState >= 2) ctx.drawImage(screen, 0, 0, canvas.width, canvas.height);
    if (camera.readyState >= 2 && camera.videoWidth) {
      const r = this.bubble.radius * canvas.height;
      const cx = this.bubble.x * canvas.width;
      const cy = this.bubble.y * canvas.height;
      const side = Math.min(camera.videoWidth, camera.videoHeight);
      const sx = (camera.videoWidth - side) / 2;
      const sy = (camera.videoHeight - side) / 2;
      ctx.save();
      ctx.beginPath();
      ctx.arc(cx, cy, r, 0, Math.PI * 2);
      ctx.clip();
      ctx.drawImage(camera, sx, sy, side, side, cx - r, cy - r, r * 2, r * 2);
      ctx.restore();
      ctx.lineWidth = Math.max(2, r * 0.04);
      ctx.strokeStyle = '#fff';
      ctx.beginPath();
      ctx.arc(cx, cy, r, 0, Math.PI * 2);
      ctx.stroke();
    }
  }

  stop() {
    this.ticker.terminate();
    this.screen.srcObject = null;
    this.camera.srcObject = null;
  }
}

/** The best recording format this browser offers: H.264 WebM first, so the server only
 * remuxes instead of re-encoding. */
export function recordingMimeType() {
  const candidates = [
    'video/webm;codecs=h264,opus',
    'video/webm;codecs=vp9,opus',
    'video/webm;codecs=vp8,opus',
    'video/webm',
  ];
  return candidates.find((type) => window.MediaRecorder && MediaRecorder.isTypeSupported(type)) || '';
}
