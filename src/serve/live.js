// Added to pages by `roundtable serve` only (never by `build`): reloads this tab after each rebuild.
(() => {
  // The generation this page was served at: a rebuild missed while the stream was connecting still reloads.
  const generation = document.currentScript?.dataset.generation ?? "";
  const events = new EventSource(`/__roundtable/events?since=${encodeURIComponent(generation)}`);
  events.addEventListener("reload", () => {
    events.close();
    location.reload();
  });
})();
