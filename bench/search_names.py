"""The names, districts and streets synthetic people are drawn from (bench.search_data).

Why these: search cost follows how many people share a name key, so the spread matters
more than the names. Surname weights are rough frequencies per 100,000 people in England
and Wales (Smith about 1.3%); the place-like and invented surnames make the long tail a
real county has. The districts are Worcestershire's outward codes; streets are invented.
"""

from __future__ import annotations

# Common surnames of England and Wales with rough weights (per 100,000 people).
COMMON_SURNAMES = {
    "Smith": 1260, "Jones": 925, "Williams": 700, "Taylor": 570, "Brown": 560,
    "Davies": 500, "Evans": 400, "Wilson": 360, "Thomas": 355, "Johnson": 330,
    "Roberts": 330, "Robinson": 290, "Thompson": 285, "Wright": 285, "Walker": 280,
    "White": 260, "Edwards": 250, "Hughes": 250, "Green": 250, "Hall": 245, "Lewis": 240,
    "Harris": 240, "Clarke": 240, "Patel": 240, "Jackson": 230, "Wood": 225, "Turner": 215,
    "Martin": 215, "Cooper": 210, "Hill": 210, "Ward": 200, "Morris": 200, "Moore": 200,
    "Clark": 195, "Lee": 190, "King": 190, "Baker": 185, "Harrison": 185, "Morgan": 180,
    "Allen": 175, "James": 175, "Scott": 170, "Phillips": 165, "Watson": 160, "Davis": 160,
    "Parker": 160, "Price": 155, "Bennett": 150, "Young": 150, "Griffiths": 150,
    "Mitchell": 150, "Kelly": 145, "Cook": 145, "Carter": 145, "Richardson": 145,
    "Bailey": 140, "Collins": 140, "Bell": 140, "Shaw": 135, "Murphy": 135, "Miller": 130,
    "Cox": 130, "Khan": 130, "Marshall": 125, "Anderson": 125, "Simpson": 125, "Ellis": 125,
    "Adams": 120, "Singh": 120, "Begum": 120, "Wilkinson": 120, "Foster": 115,
    "Chapman": 115, "Powell": 115, "Webb": 115, "Rogers": 115, "Gray": 110, "Mason": 110,
    "Ali": 110, "Hunt": 110, "Hussain": 110, "Campbell": 105, "Matthews": 105, "Owen": 105,
    "Palmer": 105, "Holmes": 100, "Mills": 100, "Barnes": 100, "Knight": 100, "Lloyd": 100,
    "Butler": 100, "Russell": 100, "Barker": 95, "Fisher": 95, "Stevens": 95, "Jenkins": 95,
    "Murray": 95, "Dixon": 95, "Harvey": 95}
STARTS = ("Ash", "Brad", "Cal", "Dun", "Ever", "Fair", "Gold", "Hart", "Kings", "Lang",
          "Mar", "Nor", "Oak", "Pen", "Rad", "Sted", "Thorn", "Up", "Wake", "Whit", "Brom",
          "Chad", "Dray", "Elm", "Fen", "Grim", "Hol", "Ire", "Kel", "Lind", "Mel", "Nut",
          "Ost", "Pres", "Red", "Salt", "Tad", "Ux", "Wat", "Yar")
ENDS = ("ford", "ley", "ton", "well", "by", "ham", "wood", "son", "field", "more", "worth",
        "bury", "cott", "den", "gate", "hurst", "stone", "wick", "brook", "land")
FIRST_NAMES = (
    "Oliver", "Jack", "Harry", "George", "Noah", "Charlie", "Jacob", "Alfie", "Freddie", "Oscar",
    "Leo", "Thomas", "James", "William", "Joshua", "Henry", "Archie", "Ethan", "Samuel", "Joseph",
    "Alfred", "Daniel", "Muhammad", "Max", "Lucas", "Logan", "Isaac", "Theo", "Arthur", "Benjamin",
    "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Mia", "Poppy", "Ella", "Lily",
    "Evie", "Isabella", "Sophie", "Jessica", "Freya", "Charlotte", "Ruby", "Florence", "Millie",
    "Daisy", "Chloe", "Phoebe", "Elizabeth", "Alice", "Matilda", "Rosie", "Evelyn", "Sienna",
    "Harper", "Sarah", "Michael", "David", "Emma", "Lisa", "Mark", "Paul", "Claire", "Rebecca",
    "Matthew", "Katherine", "Nicholas", "Victoria", "Zachary")
NICKNAMES = {"Alfred": "Alfie", "Thomas": "Tommy", "James": "Jamie", "William": "Billy",
             "Samuel": "Sam", "Joseph": "Joe", "Benjamin": "Ben", "Daniel": "Danny",
             "Elizabeth": "Lizzie", "Jessica": "Jess", "Matthew": "Matt",
             "Katherine": "Katie", "Rebecca": "Becky", "Victoria": "Vicky", "Oliver": "Ollie",
             "Olivia": "Liv", "Nicholas": "Nick", "Zachary": "Zac", "Isabella": "Izzy"}
OUTWARDS = tuple(f"WR{n}" for n in range(1, 16)) + ("B60", "B61", "B96", "B97", "B98",
                 "DY10", "DY11", "DY12", "DY13", "DY14", "GL19", "GL20", "HR7", "HR8")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
STREETS = ("Church Street", "Station Road", "Mill Lane", "The Green", "Orchard Close",
           "Victoria Road", "School Lane", "Park Avenue", "Meadow Way", "Chapel Row")
