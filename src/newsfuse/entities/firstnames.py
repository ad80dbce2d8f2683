"""Common given names with a clear gender, for resolving he/she between two named people.

A small hand-written list (common English-language given names plus frequent international ones);
names English uses for both genders (Alex, Jordan, Morgan, Robin …) are left out on purpose, though a
few differ by language (Andrea, Simone are often men's names in Italian). It is only a prior: an
honorific next to the name or the article's own pronouns can still decide. (The obvious package,
gender-guesser, is GPL-3.0; this project is MIT.)
"""

from __future__ import annotations

MALE = frozenset(
    """
    aaron adam adrian ahmed alan albert alejandro alexander alexandre ali allan andre andreas andrew
    andy angus anthony antoine antonio armando arnold arthur barry ben benjamin bernard bernie bill
    billy bob bobby boris brad bradley brandon brendan brent brett brian bruce bryan calvin carl carlos
    charles charlie christian christopher chuck clarence claude clifford clint colin craig curtis
    dale dan daniel danny darren dave david dean dennis derek diego dimitri dmitry domenic dominic
    don donald doug douglas duncan dustin dwayne dylan eddie edgar eduardo edward emmanuel eric erik
    ernest ernesto eugene evan fernando francis francisco frank franklin fred frederick gabriel gareth
    gary gavin geoff geoffrey george gerald gilbert giovanni glen glenn gordon graham grant greg
    gregory guillaume gustavo guy hans harold harry harvey hector henry herbert howard hugh hugo ian
    ibrahim igor isaac ivan jack jacob jacques jake james jared jason javier jean-pierre jeff jeffrey
    jeremy jerome jerry jesse jim jimmy joe joel john johnny jon jonathan jorge jose joseph josh joshua
    juan julian justin karl keith ken kenneth kevin kirk kurt kyle lance larry lawrence leo
    leon leonard lewis liam lloyd louis lucas luis luke malcolm marc marcel marco marcus mario mark
    martin marvin matt matthew maurice max michael micheal miguel mike mitch mitchell mohamed
    mohammad mohammed muhammad nathan nathaniel neil nicholas nick nicolas nigel noah norman oliver
    omar oscar owen pablo patrick paul pedro peter phil philip philippe pierre rafael ralph randy ray
    raymond reginald ricardo richard rick ricky rob robert roberto rod rodney roger roland ron ronald
    ross roy russell ryan samuel scott sean sebastian sergei sergio seth shane shawn simon stan
    stanley stefan stephen steve steven stuart ted theodore thomas tim timothy todd tom tommy
    tony travis trevor tyler victor vincent vladimir walter warren wayne william willie yves zachary
    """.split()
)

FEMALE = frozenset(
    """
    abigail ada adriana agnes aisha alexandra alice alicia alison amanda amber amelia amy ana andrea
    angela angelina anita ann anna anne annette annie antoinette april barbara beatrice becky belinda
    beth betty beverly bonnie brenda bridget brittany camille carla carmen carol caroline carolyn
    catherine cathy cecilia charlotte chelsea cheryl chloe christina christine cindy claire clara
    claudia colleen connie cynthia daisy danielle darlene dawn debbie deborah debra denise diana diane
    dolores donna doris dorothy eileen elaine eleanor elena elizabeth ella ellen emily emma erica erin
    esther eva evelyn fatima fiona florence frances gabrielle gail gemma georgia geraldine gina gloria
    grace gwen hannah harriet heather heidi helen ingrid irene isabel isabella jacqueline jane janet
    janice jasmine jeanne jennifer jenny jessica jill joan joanne josephine joyce judith judy julia
    julie june karen kate katherine kathleen kathryn kathy katie kayla kimberly kirsten
    kristen kristin laura lauren leah lillian linda lisa lois lori louise lucy lydia madeleine
    margaret maria marie marilyn martha mary maureen megan melanie melissa michelle mildred
    miriam molly monica nadia nancy naomi natalie natasha nicole nina nora norma olga olivia pamela
    patricia paula pauline peggy penny phyllis priya rachel rebecca regina renee rita roberta rosa
    rose ruth sabrina sally samantha sandra sara sarah sharon sheila shirley simone sonia sophia
    sophie stephanie susan suzanne sylvia tamara tammy tanya teresa theresa tina valerie
    vanessa vera veronica victoria virginia vivian wanda wendy yolanda yvonne zoe
    """.split()
)


def first_name_gender(name: str) -> str | None:
    """"m" / "f" for a full name whose first word is a common given name of one gender, else None."""
    words = name.split()
    if len(words) < 2:
        return None
    first = words[0].lower().rstrip(".")
    return "m" if first in MALE else "f" if first in FEMALE else None
