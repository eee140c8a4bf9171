// Order board: a new order (an id not seen before in "to accept") flashes and, once
// the merchant has allowed it, plays a short chime (browsers require a click first).
(function () {
  "use strict";
  var board = document.getElementById("tableau");
  var button = document.getElementById("board-sound");
  var alertBox = document.getElementById("board-alert");
  if (!board) { return; }
  var audio = null;
  var title = document.title;

  function placedIds() {
    var holder = board.querySelector("[data-placed]");
    return holder ? holder.getAttribute("data-placed").split(" ").filter(Boolean) : [];
  }

  var known = new Set(placedIds());

  function chime() {
    if (!audio) { return; }
    [0, 0.25].forEach(function (offset, index) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = index ? 1046 : 784;
      gain.gain.setValueAtTime(0.25, audio.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + offset + 0.4);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(audio.currentTime + offset);
      oscillator.stop(audio.currentTime + offset + 0.4);
    });
  }

  if (button) {
    button.addEventListener("click", function () {
      if (audio) {
        audio.close();
        audio = null;
        button.setAttribute("aria-pressed", "false");
        button.textContent = "Activer l'alerte sonore";
        return;
      }
      audio = new (window.AudioContext || window.webkitAudioContext)();
      button.setAttribute("aria-pressed", "true");
      button.textContent = "Couper l'alerte sonore";
      chime();
    });
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== board) { return; }
    var ids = placedIds();
    var fresh = ids.filter(function (id) { return !known.has(id); });
    known = new Set(ids);
    document.title = (ids.length ? "(" + ids.length + ") " : "") + title;
    if (!fresh.length) { return; }
    fresh.forEach(function (id) {
      var card = board.querySelector('[data-order="' + id + '"]');
      if (card) { card.classList.add("is-new"); }
    });
    if (alertBox) {
      alertBox.textContent = fresh.length === 1 ? "Nouvelle commande !" : fresh.length + " nouvelles commandes !";
    }
    chime();
  });
})();
