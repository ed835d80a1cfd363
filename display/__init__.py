"""Wall display: a Kivy full-screen board that shows and speaks every call (`hall display`)."""
