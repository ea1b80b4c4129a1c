"""The mechanism every action runs through: payloads, actions and their rows, the shared
state machine, the registry that finds the actions, and the checks on the definition."""
