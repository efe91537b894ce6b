// A steady clock for the compositor. Timers and animation frames in a page are throttled
// (or stopped) while the tab is hidden, which is exactly when someone records their screen;
// a worker's timer keeps running, so the composite keeps getting frames.
let timer = null;
self.onmessage = (event) => {
  clearInterval(timer);
  if (event.data && event.data.fps) timer = setInterval(() => self.postMessage(0), 1000 / event.data.fps);
};
