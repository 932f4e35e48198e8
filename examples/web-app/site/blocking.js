// A render-blocking script: loaded without async or defer from <head>, so the browser paints
// nothing until it has run, and it busy-waits 500 ms, like a large bundle parsed on the main
// thread before the first paint. Wall-clock time, so a slower CPU does not change it.
const start = performance.now()
while (performance.now() - start < 500) {
  // Busy.
}
