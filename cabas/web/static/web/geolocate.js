// "Use my position": fills the hidden lat/lon fields and submits the form. Without
// JavaScript (or without permission) the postcode field does the same job.
(function () {
  "use strict";
  if (!("geolocation" in navigator)) return;

  document.querySelectorAll("[data-geolocate]").forEach(function (button) {
    var form = button.form;
    var wrap = button.closest("[data-geolocate-wrap]");
    var status = wrap.querySelector("[data-geolocate-status]");
    var postcode = form.elements.postcode;
    wrap.hidden = false;

    if (postcode) {
      // A typed postcode replaces a previous position.
      postcode.addEventListener("input", function () {
        form.elements.lat.value = "";
        form.elements.lon.value = "";
      });
    }

    button.addEventListener("click", function () {
      status.textContent = button.dataset.messagePending;
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(5);
          form.elements.lon.value = position.coords.longitude.toFixed(5);
          if (postcode) postcode.value = "";
          button.disabled = false;
          status.textContent = "";
          if (form.requestSubmit) form.requestSubmit();
          else form.submit();
        },
        function () {
          button.disabled = false;
          status.textContent = button.dataset.messageDenied;
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
      );
    });
  });
})();
