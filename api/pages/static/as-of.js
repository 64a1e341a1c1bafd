// The auditor's two sliders: show the day or recorded moment chosen, copy it into the typed input
// beside the slider, and send the form when the slider is let go. Without this script the form still
// works: the server takes a moved slider's position (it differs from the position drawn) over the typed value.
(function () {
  var form = document.getElementById("axes");
  if (!form) return;
  var moments = JSON.parse(document.getElementById("moments").textContent);
  var day = document.getElementById("d"), moment = document.getElementById("k");

  function dayAt(offset) {
    var first = new Date(day.dataset.first + "T00:00:00Z");
    first.setUTCDate(first.getUTCDate() + Number(offset));
    return first.toISOString().slice(0, 10);
  }

  day.addEventListener("input", function () {
    var chosen = dayAt(day.value);
    document.getElementById("d-label").textContent = chosen;
    document.getElementById("as-of").value = chosen;
  });
  moment.addEventListener("input", function () {
    var chosen = moments[Number(moment.value)];
    document.getElementById("k-label").textContent = chosen.label;
    document.getElementById("known-at").value = chosen.at;
  });
  day.addEventListener("change", function () { form.requestSubmit(); });
  moment.addEventListener("change", function () { form.requestSubmit(); });
}());
