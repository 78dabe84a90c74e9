"""News-like paragraphs written for this project in 34 languages: the truth for language scoring.

The development sets have no language truth (and are almost all English), so language
identification is scored on these texts, whole and cut short, and on the sets' pages whose
declarations agree (see ``benchmarks.language``).
"""

from __future__ import annotations

#: ISO 639-1 code -> one paragraph of news-like prose.
SAMPLES: dict[str, str] = {
    "en": "The city council voted on Tuesday to extend the night bus service for another year. "
    "Residents who spoke at the meeting said the late routes had made it easier to get home "
    "from work, although some asked for more stops in the northern districts.",
    "de": "Der Stadtrat hat am Dienstag beschlossen, den Nachtbusverkehr um ein weiteres Jahr zu "
    "verlängern. Anwohner, die bei der Sitzung sprachen, sagten, die späten Linien hätten den "
    "Heimweg von der Arbeit erleichtert, doch einige wünschten sich mehr Haltestellen im Norden.",
    "fr": "Le conseil municipal a voté mardi la prolongation du service de bus de nuit pour une "
    "année supplémentaire. Les habitants qui ont pris la parole ont expliqué que ces lignes "
    "tardives facilitaient le retour du travail, même si certains réclament davantage d'arrêts.",
    "es": "El ayuntamiento aprobó el martes ampliar el servicio de autobuses nocturnos durante "
    "un año más. Los vecinos que intervinieron en la sesión dijeron que las rutas tardías les "
    "facilitan volver del trabajo, aunque algunos pidieron más paradas en los barrios del norte.",
    "it": "Il consiglio comunale ha votato martedì per prolungare di un altro anno il servizio "
    "di autobus notturni. I residenti intervenuti alla riunione hanno detto che le corse serali "
    "rendono più facile tornare a casa dal lavoro, anche se alcuni chiedono più fermate.",
    "pt": "A câmara municipal votou na terça-feira a prorrogação do serviço de autocarros "
    "noturnos por mais um ano. Os moradores que falaram na reunião disseram que as carreiras "
    "tardias tornaram mais fácil voltar do trabalho, embora alguns peçam mais paragens.",
    "nl": "De gemeenteraad heeft dinsdag besloten de nachtbus nog een jaar te laten rijden. "
    "Bewoners die tijdens de vergadering spraken, zeiden dat de late ritten het makkelijker "
    "maken om na het werk thuis te komen, al vroegen sommigen om meer haltes in het noorden.",
    "sv": "Kommunfullmäktige röstade på tisdagen för att förlänga nattbusstrafiken med ytterligare "
    "ett år. Invånare som talade på mötet sa att de sena turerna gjort det lättare att ta sig "
    "hem från jobbet, även om några efterfrågade fler hållplatser i de norra stadsdelarna.",
    "da": "Byrådet stemte tirsdag for at forlænge natbusserne med endnu et år. Borgere, der tog "
    "ordet på mødet, sagde, at de sene ruter har gjort det nemmere at komme hjem fra arbejde, "
    "selv om nogle ønskede flere stoppesteder i de nordlige bydele.",
    "no": "Bystyret stemte tirsdag for å forlenge nattbusstilbudet med ett år til. Innbyggere "
    "som tok ordet på møtet, sa at de sene avgangene har gjort det lettere å komme seg hjem fra "
    "jobb, selv om noen ba om flere holdeplasser i bydelene i nord.",
    "fi": "Kaupunginvaltuusto päätti tiistaina jatkaa yöbussiliikennettä vielä vuodella. "
    "Kokouksessa puhuneet asukkaat kertoivat, että myöhäiset vuorot ovat helpottaneet "
    "kotimatkaa töistä, vaikka osa toivoi lisää pysäkkejä pohjoisiin kaupunginosiin.",
    "pl": "Rada miasta zagłosowała we wtorek za przedłużeniem nocnej komunikacji autobusowej o "
    "kolejny rok. Mieszkańcy, którzy zabrali głos na sesji, mówili, że późne kursy ułatwiają "
    "powrót z pracy, choć niektórzy prosili o więcej przystanków w północnych dzielnicach.",
    "cs": "Zastupitelstvo města v úterý odhlasovalo prodloužení nočních autobusových linek o "
    "další rok. Obyvatelé, kteří na zasedání vystoupili, uvedli, že pozdní spoje jim usnadňují "
    "cestu z práce domů, někteří však žádali více zastávek v severních čtvrtích.",
    "sk": "Mestské zastupiteľstvo v utorok schválilo predĺženie nočných autobusových liniek o "
    "ďalší rok. Obyvatelia, ktorí na zasadnutí vystúpili, povedali, že neskoré spoje im "
    "uľahčujú cestu z práce domov, hoci niektorí žiadali viac zastávok na severe mesta.",
    "ro": "Consiliul local a votat marți prelungirea cu încă un an a serviciului de autobuze de "
    "noapte. Locuitorii care au luat cuvântul la ședință au spus că traseele târzii le-au "
    "ușurat drumul spre casă de la serviciu, deși unii au cerut mai multe stații în nord.",
    "hu": "A városi közgyűlés kedden megszavazta, hogy még egy évig meghosszabbítja az "
    "éjszakai buszjáratokat. Az ülésen felszólaló lakosok szerint a késői járatok megkönnyítik "
    "a hazajutást a munkából, bár néhányan több megállót kértek az északi kerületekben.",
    "tr": "Belediye meclisi salı günü gece otobüsü hizmetinin bir yıl daha uzatılmasını "
    "oyladı. Toplantıda söz alan mahalle sakinleri, geç saatlerdeki seferlerin işten eve "
    "dönmeyi kolaylaştırdığını söyledi, ancak bazıları kuzey semtlerinde daha fazla durak istedi.",
    "ru": "Городской совет во вторник проголосовал за продление работы ночных автобусов ещё "
    "на один год. Жители, выступившие на заседании, рассказали, что поздние рейсы помогают им "
    "добираться домой с работы, хотя некоторые попросили добавить остановки на севере.",
    "uk": "Міська рада у вівторок проголосувала за продовження роботи нічних автобусів ще на "
    "один рік. Мешканці, які виступили на засіданні, розповіли, що пізні рейси допомагають їм "
    "діставатися додому з роботи, хоча дехто просив більше зупинок у північних районах.",
    "bg": "Общинският съвет гласува във вторник нощните автобуси да се движат още една "
    "година. Жителите, които се изказаха на заседанието, казаха, че късните линии им помагат "
    "да се прибират от работа, макар някои да поискаха повече спирки в северните квартали.",
    "el": "Το δημοτικό συμβούλιο ψήφισε την Τρίτη την παράταση των νυχτερινών λεωφορείων για "
    "ακόμη έναν χρόνο. Οι κάτοικοι που μίλησαν στη συνεδρίαση είπαν ότι τα αργά δρομολόγια "
    "τους διευκολύνουν να γυρίζουν σπίτι από τη δουλειά, αν και κάποιοι ζήτησαν "
    "περισσότερες στάσεις.",
    "ar": "صوّت مجلس المدينة يوم الثلاثاء على تمديد خدمة حافلات الليل لعام آخر. وقال السكان "
    "الذين تحدثوا في الاجتماع إن الرحلات المتأخرة سهّلت عليهم العودة من العمل، "
    "رغم أن بعضهم طالب بمزيد من المحطات في الأحياء الشمالية.",
    "fa": "شورای شهر روز سه‌شنبه به تمدید خدمات اتوبوس‌های شبانه برای یک سال دیگر رأی داد. "
    "ساکنانی که در جلسه صحبت کردند گفتند این سرویس‌های دیرهنگام بازگشت از محل کار را "
    "آسان‌تر کرده است، هرچند برخی خواستار ایستگاه‌های بیشتری در محله‌های شمالی شدند.",
    "he": "מועצת העיר הצביעה ביום שלישי על הארכת שירות האוטובוסים הליליים בשנה נוספת. "
    "תושבים שדיברו בישיבה אמרו שהקווים המאוחרים הקלו עליהם לחזור הביתה מהעבודה, "
    "אף שחלקם ביקשו תחנות נוספות בשכונות הצפוניות.",
    "hi": "नगर परिषद ने मंगलवार को रात्रि बस सेवा को एक और साल के लिए बढ़ाने के पक्ष में मतदान "
    "किया। बैठक में बोलने वाले निवासियों ने कहा कि देर रात की बसों से काम से घर लौटना आसान "
    "हुआ है, हालांकि कुछ लोगों ने उत्तरी इलाकों में और स्टॉप की मांग की।",
    "ja": "市議会は火曜日、深夜バスの運行をさらに一年延長することを可決した。会議で発言した住民は、"
    "遅い時間の便のおかげで仕事帰りが楽になったと話したが、北部の地区に停留所を増やしてほしいという"
    "声もあった。",
    "zh": "市议会周二投票决定将夜间公交服务再延长一年。在会上发言的居民表示，晚班车让他们下班回家"
    "更加方便，但也有人希望在北部城区增加更多站点。",
    "ko": "시의회는 화요일 심야버스 운행을 1년 더 연장하기로 의결했다. 회의에서 발언한 주민들은 "
    "늦은 시간 노선 덕분에 퇴근길이 편해졌다고 말했지만, 일부는 북부 지역에 정류장을 더 "
    "늘려 달라고 요청했다.",
    "id": "Dewan kota pada hari Selasa memutuskan untuk memperpanjang layanan bus malam selama "
    "satu tahun lagi. Warga yang berbicara dalam rapat mengatakan bahwa rute malam membuat "
    "mereka lebih mudah pulang dari tempat kerja, meskipun sebagian meminta halte tambahan.",
    "vi": "Hội đồng thành phố hôm thứ Ba đã bỏ phiếu gia hạn dịch vụ xe buýt đêm thêm một năm. "
    "Những người dân phát biểu tại cuộc họp cho biết các chuyến muộn giúp họ đi làm về nhà dễ "
    "dàng hơn, dù một số người đề nghị thêm trạm dừng ở các quận phía bắc.",
    "th": "สภาเมืองลงมติเมื่อวันอังคารให้ขยายบริการรถโดยสารกลางคืนออกไปอีกหนึ่งปี "
    "ชาวบ้านที่กล่าวในที่ประชุมบอกว่าเที่ยวรถดึกช่วยให้กลับบ้านจากที่ทำงานได้ง่ายขึ้น "
    "แม้บางคนจะขอให้เพิ่มป้ายหยุดรถในย่านทางเหนือ",
    "ca": "L'ajuntament va aprovar dimarts allargar un any més el servei d'autobusos nocturns. "
    "Els veïns que van intervenir a la sessió van dir que les línies de nit els fan més fàcil "
    "tornar de la feina, tot i que alguns van demanar més parades als barris del nord.",
    "hr": "Gradsko vijeće u utorak je izglasalo produljenje noćnih autobusnih linija za još "
    "jednu godinu. Stanovnici koji su govorili na sjednici rekli su da im kasne linije "
    "olakšavaju povratak s posla, iako su neki tražili više stajališta u sjevernim četvrtima.",
    "lt": "Miesto taryba antradienį nubalsavo dar vieneriems metams pratęsti naktinių "
    "autobusų maršrutus. Posėdyje kalbėję gyventojai sakė, kad vėlyvi reisai palengvino "
    "grįžimą namo iš darbo, nors kai kurie prašė daugiau stotelių šiauriniuose rajonuose.",
}
