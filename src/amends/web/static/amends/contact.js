/* The guided contact form, one step at a time.
 *
 * Without this file the form works as it is served: four fieldsets, one under the other, and a
 * Send button. With it, one step shows at a time, with Back and Next; the step's heading
 * ("Step 2 of 4 …") takes the focus when the step changes; a step that is not complete says
 * what is missing before moving on; and a page the server sent back with errors opens on the
 * first step that has them. Everything is checked again on the server.
 *
 * Alpine's CSP build: the component is registered here and the page only names it and its
 * methods (x-data="contactSteps", x-on:click="next"). Loaded without `defer`, so that it
 * listens for alpine:init before Alpine starts.
 */
(function () {
  "use strict";

  function fill(template, name) {
    return (template || "").split("{name}").join(name);
  }

  function contactSteps() {
    return {
      current: 0,

      init: function () {
        this.$root.querySelectorAll("[data-step-nav]").forEach(function (nav) { nav.hidden = false; });
        var steps = this.steps();
        var first = steps.findIndex(function (s) { return s.hasAttribute("data-has-errors"); });
        this.show(first >= 0 ? first : 0, first >= 0);
      },

      steps: function () {
        return Array.prototype.slice.call(this.$root.querySelectorAll("fieldset.step"));
      },

      show: function (index, focus) {
        var steps = this.steps();
        index = Math.max(0, Math.min(index, steps.length - 1));
        steps.forEach(function (step, i) { step.hidden = i !== index; });
        this.current = index;
        if (focus) {
          var heading = steps[index].querySelector(".step-heading");
          if (heading) { heading.focus(); }
        }
      },

      next: function () {
        if (this.check(this.current, true)) { this.show(this.current + 1, true); }
      },

      back: function () {
        this.show(this.current - 1, true);
      },

      submit: function (event) {
        var steps = this.steps();
        if (this.current < steps.length - 1) {
          // Enter in a field of an earlier step: go on to the next step, do not send yet.
          event.preventDefault();
          this.next();
          return;
        }
        for (var i = 0; i < steps.length; i++) {
          if (!this.check(i, false)) {
            event.preventDefault();
            this.show(i, false);
            this.check(i, true);
            return;
          }
        }
      },

      // A link in the list of problems the server found: open the step holding its field.
      jump: function (event) {
        var link = event.target.closest("a[href^='#']");
        if (!link) { return; }
        var target = document.getElementById(link.getAttribute("href").slice(1));
        var step = target && target.closest("fieldset.step");
        if (!step) { return; }
        event.preventDefault();
        this.show(this.steps().indexOf(step), false);
        target.focus();
      },

      // What is missing or wrong in one step; with `report`, say so and focus the first field.
      check: function (index, report) {
        var step = this.steps()[index];
        var problems = [];
        var invalid = [];

        step.querySelectorAll("[data-required-group]").forEach(function (group) {
          var radios = group.querySelectorAll("input[type=radio]");
          var chosen = Array.prototype.some.call(radios, function (r) { return r.checked; });
          if (!chosen && radios.length) {
            problems.push(group.getAttribute("data-message"));
            invalid.push(radios[0]);
          }
        });

        step.querySelectorAll("input:not([type=radio]):not([type=file]), select, textarea")
          .forEach(function (field) {
            var value = (field.value || "").trim();
            if (field.required && !value) {
              problems.push(field.getAttribute("data-msg-required"));
              invalid.push(field);
            } else if (value && field.validity && field.validity.typeMismatch) {
              problems.push(field.getAttribute("data-msg-invalid"));
              invalid.push(field);
            } else if (value && field.minLength > 0 && value.length < field.minLength) {
              problems.push(field.getAttribute("data-msg-short"));
              invalid.push(field);
            }
          });

        step.querySelectorAll("input[type=file]").forEach(function (input) {
          var files = Array.prototype.slice.call(input.files || []);
          var accepted = (input.getAttribute("accept") || "").split(",");
          var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
          var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
          var maxTotal = parseInt(input.getAttribute("data-max-total"), 10);
          var before = problems.length;
          var total = 0;
          if (files.length > maxFiles) { problems.push(input.getAttribute("data-msg-count")); }
          files.forEach(function (file) {
            total += file.size;
            var dot = file.name.lastIndexOf(".");
            var ending = dot > 0 ? file.name.slice(dot).toLowerCase() : "";
            if (accepted.indexOf(file.type) < 0 || (ending && accepted.indexOf(ending) < 0)) {
              problems.push(fill(input.getAttribute("data-msg-type"), file.name));
            } else if (file.size > maxBytes) {
              problems.push(fill(input.getAttribute("data-msg-size"), file.name));
            }
          });
          if (total > maxTotal) { problems.push(input.getAttribute("data-msg-total")); }
          if (problems.length > before) { invalid.push(input); }
        });

        if (!report) { return problems.length === 0; }
        var box = step.querySelector("[data-problems]");
        step.querySelectorAll("[data-marked-invalid]").forEach(function (field) {
          field.removeAttribute("aria-invalid");
          field.removeAttribute("data-marked-invalid");
        });
        box.textContent = "";
        if (!problems.length) { return true; }
        var list = document.createElement("ul");
        list.id = step.id + "-problems";
        problems.forEach(function (text) {
          var item = document.createElement("li");
          item.textContent = text;
          list.appendChild(item);
        });
        box.appendChild(list);
        invalid.forEach(function (field) {
          field.setAttribute("aria-invalid", "true");
          field.setAttribute("data-marked-invalid", "");
        });
        invalid[0].focus();
        return false;
      }
    };
  }

  document.addEventListener("alpine:init", function () {
    window.Alpine.data("contactSteps", contactSteps);
  });
})();
