// Paths of the console's pages. The server answers index.html for each of them
// (console_routes.cpp), so a reload or a shared link lands on the same page.
import { useEffect, useState } from 'preact/hooks';

export const kPages = [
  '/', '/sign-in', '/set-password', '/phones', '/hotline', '/calls', '/members',
] as const;

export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  const [, setSearch] = useState(location.search);
  useEffect(() => {
    const update = () => { setPath(location.pathname); setSearch(location.search); };
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return path;
}
