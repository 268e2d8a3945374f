# Planted leaks for the end-to-end tests, through PyGObject: one PlantedPy referenced once
# too often, FinePy objects that all go, one of them held by a GValue for a while.
from gi.repository import GObject

class Planted(GObject.Object):
    __gtype_name__ = "PlantedPy"

class Fine(GObject.Object):
    __gtype_name__ = "FinePy"
    def __init__(self):
        super().__init__()
        self.connect("notify", lambda *a: None)

def leak_one():
    planted = Planted()
    planted._ref()  # one reference too many, never released

for i in range(5):
    Fine()
leak_one()
kept = Fine()
holder = GObject.Value(Fine, kept)
del holder, kept
