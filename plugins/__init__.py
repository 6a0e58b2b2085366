"""Built-in plugins. Each is announced under the `meetings.plugins` entry-point group and loaded
like any third-party plugin; the core never imports them, and they never import each other."""
