// Kubernetes expands `$(NAME)` in a container's command, args and env values, and turns `$$`
// into `$`. Docker passes these strings through untouched, so every `$` is doubled: the
// container then sees exactly what the stack file said (`$(date)`, `$$`, `$HOME` included).
export function escapeKubernetesExpansion(text: string): string {
  return text.replaceAll('$', () => '$$');
}
