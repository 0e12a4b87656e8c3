"""The demo: the Bắc Kạn task force of 2020 as data, and the loader that plays its stories."""
