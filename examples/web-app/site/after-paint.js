// Work after the first paint, like a framework hydrating the page: four tasks of 250 ms each,
// one after the other. Each task beyond 50 ms blocks input for the rest, so this adds about
// 4 × 200 ms = 800 ms of Total Blocking Time. The render-blocking script does not: it ends
// before the first contentful paint, where TBT starts counting.
const TASKS = 4
const TASK_MS = 250

function busy(ms) {
  const start = performance.now()
  while (performance.now() - start < ms) {
    // Busy.
  }
}

function runTasks(left) {
  if (left === 0) return
  busy(TASK_MS)
  setTimeout(() => runTasks(left - 1), 0)
}

// Start once the first contentful paint has happened, so every task counts towards TBT.
new PerformanceObserver((list, observer) => {
  if (list.getEntriesByName('first-contentful-paint').length === 0) return
  observer.disconnect()
  setTimeout(() => runTasks(TASKS), 0)
}).observe({ type: 'paint', buffered: true })
