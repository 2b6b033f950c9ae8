"""mailwire's scenario harness: runs scenario YAML files against a mail proxy and compares all three legs."""
