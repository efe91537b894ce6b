import { h } from './dom.js';
import { currentWorkspace, rememberWorkspace } from './workspace.js';

/** A labelled <select> of the user's workspaces; `onchange(workspace)` on switch. */
export function workspaceSwitcher(user, onchange) {
  const current = currentWorkspace(user);
  const select = h(
    'select',
    { id: 'workspace-switcher' },
    (user.workspaces || []).map((w) =>
      h('option', { value: w.id, selected: current && w.id === current.id }, w.personal ? `${w.name} (personal)` : w.name),
    ),
  );
  select.addEventListener('change', () => {
    rememberWorkspace(select.value);
    onchange(user.workspaces.find((w) => w.id === select.value));
  });
  return h('div', { class: 'field inline' }, h('label', { for: 'workspace-switcher' }, 'Workspace'), select);
}
