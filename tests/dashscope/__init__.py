"""Tests of the DashScope client library against the emulator, over real sockets."""
