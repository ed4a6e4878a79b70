// The live feed: newest first, at most `limit` entries. Each <li> carries data-id, data-event
// and data-topic ("" when unknown) so scripts and tests read it without parsing its text.
const SHOWN_CHARS = 2000; // a 1 MiB payload is counted, not rendered

function cell(tag, className, text, title) {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  if (title) el.title = title;
  return el;
}

function topicCell(topic) {
  return topic
    ? cell('span', 'topic', topic)
    : cell('span', 'topic unknown', '?', 'unknown: the event stream carries no topic');
}

export class Feed {
  constructor(list, { limit = 200 } = {}) {
    this.list = list;
    this.limit = limit;
  }

  add({ id, event, topic, data, builtin }) {
    const li = document.createElement('li');
    li.dataset.id = id;
    li.dataset.event = event;
    li.dataset.topic = topic || '';
    li.dataset.length = String(data.length);
    if (builtin) li.classList.add('builtin');
    const shown = data.length > SHOWN_CHARS
      ? `${data.slice(0, SHOWN_CHARS)}… (${data.length} characters)`
      : data;
    li.append(
      topicCell(topic),
      cell('span', 'event', event),
      cell('code', 'id', id || '–'),
      cell('time', 'at', new Date().toLocaleTimeString()),
      cell('pre', 'data', shown),
    );
    this.list.prepend(li);
    while (this.list.children.length > this.limit) this.list.lastElementChild.remove();
  }

  // The topic of an event this page published, learnt from the 202 answer, which may come
  // after the event itself.
  setTopic(id, topic) {
    for (const li of this.list.querySelectorAll('li[data-topic=""]')) {
      if (li.dataset.id !== id) continue;
      li.dataset.topic = topic;
      li.firstElementChild.replaceWith(topicCell(topic));
    }
  }
}
