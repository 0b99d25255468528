"""Group workspaces: members pool their maps with consent."""
