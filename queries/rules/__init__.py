"""Package marker: lets importlib.resources find this folder in wheels and editable installs."""
