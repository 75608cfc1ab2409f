// Shared by live_chart.js and live_html.js: roi_core.app.widgets puts it in front of each.
//
// `update` once a message's attributes are all in: a message may set several of `keys` one
// after the other, each firing its change event; `update` runs once, a microtask after the
// first. Returns the function that unsubscribes.
function onChanges(model, keys, update) {
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      update();
    });
  };
  for (const key of keys) model.on(`change:${key}`, schedule);
  return () => {
    for (const key of keys) model.off(`change:${key}`, schedule);
  };
}
