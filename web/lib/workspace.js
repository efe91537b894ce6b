// Which workspace the library, recorder and settings act on: remembered per browser,
// defaulting to the personal one.
const KEY = 'briefly.workspace';

export function currentWorkspace(user) {
  const list = user?.workspaces || [];
  const wanted = new URLSearchParams(location.search).get('workspace') || localStorage.getItem(KEY);
  return list.find((w) => w.id === wanted) || list.find((w) => w.personal) || list[0] || null;
}

export function rememberWorkspace(id) {
  localStorage.setItem(KEY, id);
}
