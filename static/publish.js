// The publish form: POST /publish with the bearer token, and the outcome in #publish-result
// (data-status idle | pending | ok | error, data-http = the HTTP status, data-ids on success).
// On failure it shows the server's own {"error": "..."} message.
function showResult(out, status, text, extra = {}) {
  out.dataset.status = status;
  out.dataset.http = extra.http ?? '';
  out.dataset.ids = (extra.ids ?? []).join(' ');
  out.className = `result ${status}`;
  out.textContent = text;
}

function readForm(form) {
  const f = form.elements;
  const draft = { topic: f.topic.value.trim(), event: f.event.value.trim() || 'message' };
  try {
    draft.data = JSON.parse(f.data.value);
  } catch (e) {
    return { problem: `data is not valid JSON (${e.message}); quote plain text: "like this"` };
  }
  return { draft, token: f.token.value };
}

async function post(draft, token) {
  const res = await fetch('/publish', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(draft),
  });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON: fall back to the status text */ }
  return { res, body };
}

// onWillPublish(eventName) runs before the request so the page listens for that name in time;
// onPublished(ids, topic) tells the page which topic those ids belong to.
export function setupPublishForm(form, out, { onWillPublish, onPublished }) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const { draft, token, problem } = readForm(form);
    if (problem) { showResult(out, 'error', problem); return; }
    onWillPublish(draft.event);
    showResult(out, 'pending', 'publishing…');
    try {
      const { res, body } = await post(draft, token);
      if (res.ok && body && Array.isArray(body.ids)) {
        showResult(out, 'ok', `published, id ${body.ids.join(', ')}`, { http: res.status, ids: body.ids });
        onPublished(body.ids, draft.topic);
      } else {
        const why = body && body.error ? body.error : res.statusText;
        showResult(out, 'error', `refused (${res.status}): ${why}`, { http: res.status });
      }
    } catch (e) {
      showResult(out, 'error', `network error: ${e.message}`);
    }
  });
}
