// The manager's language controls on the watch page: what the video is spoken in (the
// workspace's default, detect, or a language) and whether to add an English translation.
// Saving a new language makes the transcript again; this says so until it is done.
import { h, replace, toast } from '../lib/dom.js';
import { patch } from '../lib/api.js';
import { loadLanguages, languageOptions, languageName } from '../lib/languages.js';

const TRANSCRIBING = ['pending', 'processing'];

function choiceName(setting) {
  return setting === 'auto' ? 'Detect automatically' : languageName(setting) || setting;
}

export class LanguageSettings {
  /** `workspaceDefault` ("auto" | code | undefined) names what "Workspace default" means. */
  constructor(video, { workspaceDefault, onupdate }) {
    this.video = video;
    this.onupdate = onupdate;
    this.followLabel = workspaceDefault ? `Workspace default (${choiceName(workspaceDefault)})` : 'Workspace default';
    this.select = h('select', { id: 'video-language' });
    this.translate = h('input', { type: 'checkbox', id: 'video-translate', checked: Boolean(video.translate) });
    this.save = h('button', { type: 'submit', class: 'button' }, 'Save language settings');
    this.error = h('p', { class: 'form-error', role: 'alert', id: 'video-language-error' });
    this.status = h('p', { class: 'muted', role: 'status', id: 'video-language-status' });
    this.el = h('form', { class: 'language-settings', 'aria-labelledby': 'language-heading' },
      h('h3', { id: 'language-heading' }, 'Language'),
      h('div', { class: 'field' }, h('label', { for: 'video-language' }, 'Spoken language'), this.select),
      h('label', { class: 'choice' }, this.translate, 'Add an English translation'),
      h('div', { class: 'button-row' }, this.save),
      this.error,
      this.status);
    this.el.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.fill(video.language_setting);
    this.update(video);
  }

  async fill(selected) {
    const leading = [['', this.followLabel], ['auto', 'Detect automatically']];
    // Until the list comes the current choice is there already, so the select shows it and
    // a save meanwhile keeps it.
    const current = selected && selected !== 'auto' ? [{ code: selected, name: choiceName(selected) }] : [];
    replace(this.select, languageOptions(h, current, leading, selected ?? ''));
    try {
      replace(this.select, languageOptions(h, await loadLanguages(), leading, selected ?? ''));
    } catch (err) {
      // Without the list only the two choices that need none are offered.
      replace(this.select, languageOptions(h, [], leading, selected ?? ''));
      this.error.textContent = `Languages could not be loaded: ${err.message}`;
    }
  }

  async submit() {
    const language = this.select.value === '' ? null : this.select.value;
    this.save.disabled = true;
    this.error.textContent = '';
    try {
      const updated = await patch(`/api/videos/${encodeURIComponent(this.video.id)}`, { language, translate: this.translate.checked });
      this.onupdate(updated);
      toast('Language settings saved');
    } catch (err) {
      this.error.textContent = `Not saved: ${err.message}`;
    } finally {
      this.save.disabled = false;
    }
  }

  /** Follow the video as it changes (live events, polling, our own save). */
  update(video) {
    this.video = { ...this.video, ...video };
    const v = this.video;
    const detected = languageName(v.language);
    if (v.status === 'ready' && TRANSCRIBING.includes(v.transcript_status)) {
      this.status.textContent = 'Transcribing in the chosen language… the transcript and captions update when it is done.';
    } else if (v.transcript_status === 'failed') {
      this.status.textContent = 'The transcript could not be made.';
    } else if (v.transcript_status === 'ready') {
      const heard = v.language === 'und' ? 'Transcript: no speech heard.' : detected ? `Transcript language: ${detected}.` : '';
      const translation = v.translate ? (v.translation_url ? ' English translation ready.' : ' English translation on its way…') : '';
      this.status.textContent = heard + translation;
    } else {
      this.status.textContent = '';
    }
  }
}
