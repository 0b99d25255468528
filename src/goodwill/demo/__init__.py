"""The deterministic demo network: an author about to launch a book, and everyone around her.

``goodwill.demo.generate`` builds the network in plain Python (no Django, nothing downloaded);
``goodwill.demo.load`` writes it to the database for one user.
"""
