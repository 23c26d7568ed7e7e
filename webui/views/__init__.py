"""The web UI's views: one blueprint per page family, each reading its request and rendering what a plain
function of ``webui`` (``webui.search``, ``webui.timeline``, ...) builds from the store and the search
service; ``api`` gives the same data as JSON. A view imports page-data modules and ``webui.context``,
never another view."""
