// POS Bridge dashboard: swaps server-rendered fragments, listens to the audit stream, sends operator actions.
(function () {
  'use strict';

  var lang = document.documentElement.lang === 'en' ? 'en' : 'ru';
  var messages = {
    ru: {
      done: 'Готово',
      failed: 'Ошибка',
      printed: 'Слип отправлен на принтер',
      refundConfirm: 'Вернуть излишек гостю?',
    },
    en: {
      done: 'Done',
      failed: 'Failed',
      printed: 'Slip sent to the printer',
      refundConfirm: 'Refund the excess to the guest?',
    },
  }[lang];
  var selectedBill = null;
  var refreshTimer = null;

  function withLang(path) {
    return path + (path.indexOf('?') >= 0 ? '&' : '?') + 'lang=' + lang;
  }

  function signedOut(response) {
    if (response.status !== 401) return false;
    window.location.assign('/dashboard');
    return true;
  }

  function load(path, targetId) {
    return fetch(withLang(path), { credentials: 'same-origin', headers: { Accept: 'text/html' } }).then(
      function (response) {
        if (signedOut(response)) return;
        if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
        return response.text().then(function (html) {
          var target = document.getElementById(targetId);
          if (target) target.innerHTML = html;
        });
      },
    );
  }

  function notify(text, isError) {
    var toast = document.getElementById('toast');
    toast.textContent = text;
    toast.className = 'toast' + (isError ? ' error' : '');
    toast.hidden = false;
    window.clearTimeout(notify.timer);
    notify.timer = window.setTimeout(function () {
      toast.hidden = true;
    }, 4000);
  }

  function act(method, path, body) {
    return fetch(path, {
      method: method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Bridge-Dashboard': '1' },
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      if (signedOut(response)) return null;
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (data) {
          if (!response.ok) {
            notify(
              messages.failed + ': ' + (data && data.error ? data.error.message : response.status),
              true,
            );
            return null;
          }
          return data;
        });
    });
  }

  function refresh() {
    var jobs = [
      load('/dashboard/fragments/floor', 'floor'),
      load('/dashboard/fragments/attention', 'attention'),
      load('/dashboard/fragments/latency', 'latency'),
      load('/dashboard/fragments/reconciliation', 'reconciliation'),
    ];
    if (selectedBill) jobs.push(load('/dashboard/fragments/bills/' + selectedBill, 'detail'));
    return Promise.all(jobs).catch(function (error) {
      notify(String(error.message || error), true);
    });
  }

  function scheduleRefresh() {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(refresh, 250);
  }

  function openBill(id) {
    selectedBill = id;
    return load('/dashboard/fragments/bills/' + id, 'detail');
  }

  function afterAction(data, text) {
    if (data) notify(text || messages.done, false);
    return refresh();
  }

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target.closest('[data-action]') : null;
    if (!target || target.tagName === 'FORM') return;
    var action = target.getAttribute('data-action');
    if (action === 'open-bill') {
      event.preventDefault();
      openBill(target.getAttribute('data-bill-id'));
    } else if (action === 'close-bill') {
      selectedBill = null;
      document.getElementById('detail').textContent = '';
    } else if (action === 'issue-link') {
      act('POST', '/api/v1/bills/' + target.getAttribute('data-bill') + '/payment-link').then(
        function (data) {
          return afterAction(data);
        },
      );
    } else if (action === 'print-qr') {
      document.body.classList.add('printing-qr');
      window.print();
    } else if (action === 'print-slip') {
      act('POST', '/api/v1/bills/' + target.getAttribute('data-bill') + '/print-slip').then(function (data) {
        return afterAction(data, messages.printed);
      });
    } else if (action === 'retry') {
      target.disabled = true;
      act('POST', '/api/v1/settlements/' + target.getAttribute('data-settlement') + '/retry', {}).then(
        afterAction,
      );
    } else if (action === 'refund') {
      if (!window.confirm(messages.refundConfirm)) return;
      target.disabled = true;
      act('POST', '/api/v1/payments/' + target.getAttribute('data-payment') + '/refund-excess', {}).then(
        afterAction,
      );
    }
  });

  document.addEventListener('keydown', function (event) {
    var row = event.target instanceof Element ? event.target.closest('tr[data-action="open-bill"]') : null;
    if (row && event.key === 'Enter') openBill(row.getAttribute('data-bill-id'));
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.getAttribute('data-action') !== 'resolve') return;
    event.preventDefault();
    var comment = form.elements.namedItem('comment').value;
    act('POST', '/api/v1/settlements/' + form.getAttribute('data-settlement') + '/resolve', {
      comment: comment,
    }).then(afterAction);
  });

  window.addEventListener('afterprint', function () {
    document.body.classList.remove('printing-qr');
  });

  function connect() {
    var live = document.getElementById('live');
    var source = new EventSource('/api/v1/events/stream');
    source.addEventListener('ready', function () {
      live.setAttribute('data-state', 'live');
      scheduleRefresh();
    });
    source.addEventListener('audit', scheduleRefresh);
    source.onerror = function () {
      live.setAttribute('data-state', 'offline');
    };
  }

  refresh();
  connect();
  // A safety net for a proxy that buffers the event stream.
  window.setInterval(refresh, 30000);
})();
