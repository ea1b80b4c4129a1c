"""Administration: users and their sign-in sessions."""
