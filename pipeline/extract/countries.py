"""General vocabulary: the world's states with ISO 3166-1 alpha-3 codes, names, demonyms,
capitals and common government metonyms, plus well-known international organisations.

This is general-purpose reference data (every UN member state and a few widely reported
non-member entities), not keyed to any article or benchmark.

Row format of :data:`COUNTRY_ROWS`: ``ISO3|Name|other names;...|demonyms;...|capitals and metonyms;...``
"""

from __future__ import annotations

COUNTRY_ROWS = """\
AFG|Afghanistan||Afghan;Afghans|Kabul
ALB|Albania||Albanian;Albanians|Tirana
DZA|Algeria||Algerian;Algerians|Algiers
AND|Andorra||Andorran|
AGO|Angola||Angolan;Angolans|Luanda
ATG|Antigua and Barbuda||Antiguan|
ARG|Argentina||Argentine;Argentinian;Argentines|Buenos Aires
ARM|Armenia||Armenian;Armenians|Yerevan
AUS|Australia||Australian;Australians|Canberra
AUT|Austria||Austrian;Austrians|Vienna
AZE|Azerbaijan||Azerbaijani;Azeri;Azerbaijanis|Baku
BHS|Bahamas|the Bahamas|Bahamian|Nassau
BHR|Bahrain||Bahraini;Bahrainis|Manama
BGD|Bangladesh||Bangladeshi;Bangladeshis|Dhaka
BRB|Barbados||Barbadian|Bridgetown
BLR|Belarus||Belarusian;Belarusians|Minsk
BEL|Belgium||Belgian;Belgians|Brussels
BLZ|Belize||Belizean|Belmopan
BEN|Benin||Beninese|Porto-Novo;Cotonou
BTN|Bhutan||Bhutanese|Thimphu
BOL|Bolivia||Bolivian;Bolivians|La Paz
BIH|Bosnia and Herzegovina|Bosnia;Bosnia-Herzegovina|Bosnian;Bosnians|Sarajevo
BWA|Botswana||Botswanan;Motswana|Gaborone
BRA|Brazil||Brazilian;Brazilians|Brasilia;Brasília
BRN|Brunei||Bruneian|Bandar Seri Begawan
BGR|Bulgaria||Bulgarian;Bulgarians|Sofia
BFA|Burkina Faso||Burkinabe|Ouagadougou
BDI|Burundi||Burundian;Burundians|Bujumbura;Gitega
CPV|Cape Verde|Cabo Verde|Cape Verdean|
KHM|Cambodia|Kampuchea|Cambodian;Cambodians;Kampuchean|Phnom Penh
CMR|Cameroon||Cameroonian;Cameroonians|Yaounde;Yaoundé
CAN|Canada||Canadian;Canadians|Ottawa
CAF|Central African Republic||Central African|Bangui
TCD|Chad||Chadian;Chadians|N'Djamena
CHL|Chile||Chilean;Chileans|Santiago
CHN|China|People's Republic of China;PRC|Chinese|Beijing;Peking
COL|Colombia||Colombian;Colombians|Bogota;Bogotá
COM|Comoros||Comorian|Moroni
COG|Congo|Republic of the Congo;Congo-Brazzaville|Congolese|Brazzaville
COD|Democratic Republic of the Congo|DR Congo;DRC;Zaire|Congolese|Kinshasa
CRI|Costa Rica||Costa Rican;Costa Ricans|San Jose;San José
CIV|Ivory Coast|Côte d'Ivoire;Cote d'Ivoire|Ivorian;Ivorians|Abidjan;Yamoussoukro
HRV|Croatia||Croatian;Croat;Croats;Croatians|Zagreb
CUB|Cuba||Cuban;Cubans|Havana
CYP|Cyprus||Cypriot;Cypriots;Greek Cypriot;Greek-Cypriot|Nicosia
CZE|Czech Republic|Czechia;Czechoslovakia|Czech;Czechs;Czechoslovak|Prague
DNK|Denmark||Danish;Dane;Danes|Copenhagen
DJI|Djibouti||Djiboutian|
DMA|Dominica||Dominican|Roseau
DOM|Dominican Republic||Dominican|Santo Domingo
ECU|Ecuador||Ecuadorian;Ecuadorean;Ecuadorians|Quito
EGY|Egypt||Egyptian;Egyptians|Cairo
SLV|El Salvador||Salvadoran;Salvadorans|San Salvador
GNQ|Equatorial Guinea||Equatorial Guinean|Malabo
ERI|Eritrea||Eritrean;Eritreans|Asmara
EST|Estonia||Estonian;Estonians|Tallinn
SWZ|Eswatini|Swaziland|Swazi|Mbabane
ETH|Ethiopia||Ethiopian;Ethiopians|Addis Ababa
FJI|Fiji||Fijian;Fijians|Suva
FIN|Finland||Finnish;Finn;Finns|Helsinki
FRA|France||French|Paris;Elysee;Élysée;Quai d'Orsay
GAB|Gabon||Gabonese|Libreville
GMB|Gambia|The Gambia|Gambian;Gambians|Banjul
GEO|Georgia||Georgian;Georgians|Tbilisi
DEU|Germany|West Germany;East Germany|German;Germans;West German;East German|Berlin;Bonn
GHA|Ghana||Ghanaian;Ghanaians|Accra
GRC|Greece||Greek;Greeks|Athens
GRD|Grenada||Grenadian|
GTM|Guatemala||Guatemalan;Guatemalans|Guatemala City
GIN|Guinea||Guinean;Guineans|Conakry
GNB|Guinea-Bissau||Bissau-Guinean|Bissau
GUY|Guyana||Guyanese|Georgetown
HTI|Haiti||Haitian;Haitians|Port-au-Prince
HND|Honduras||Honduran;Hondurans|Tegucigalpa
HUN|Hungary||Hungarian;Hungarians|Budapest
ISL|Iceland||Icelandic;Icelander;Icelanders|Reykjavik
IND|India||Indian;Indians|New Delhi
IDN|Indonesia||Indonesian;Indonesians|Jakarta
IRN|Iran|Islamic Republic of Iran|Iranian;Iranians|Tehran
IRQ|Iraq||Iraqi;Iraqis|Baghdad
IRL|Ireland|Republic of Ireland|Irish|Dublin
ISR|Israel||Israeli;Israelis|Jerusalem;Tel Aviv
ITA|Italy||Italian;Italians|Rome
JAM|Jamaica||Jamaican;Jamaicans|Kingston
JPN|Japan||Japanese|Tokyo
JOR|Jordan||Jordanian;Jordanians|Amman
KAZ|Kazakhstan||Kazakh;Kazakhs;Kazakhstani|Astana;Almaty
KEN|Kenya||Kenyan;Kenyans|Nairobi
KIR|Kiribati||I-Kiribati|Tarawa
PRK|North Korea|Democratic People's Republic of Korea;DPRK|North Korean;North Koreans|Pyongyang
KOR|South Korea|Republic of Korea;Korea|South Korean;South Koreans|Seoul
KWT|Kuwait||Kuwaiti;Kuwaitis|Kuwait City
KGZ|Kyrgyzstan|Kirghizia|Kyrgyz|Bishkek
LAO|Laos|Lao People's Democratic Republic|Lao;Laotian|Vientiane
LVA|Latvia||Latvian;Latvians|Riga
LBN|Lebanon||Lebanese|Beirut
LSO|Lesotho||Basotho|Maseru
LBR|Liberia||Liberian;Liberians|Monrovia
LBY|Libya||Libyan;Libyans|Tripoli
LIE|Liechtenstein||Liechtensteiner|Vaduz
LTU|Lithuania||Lithuanian;Lithuanians|Vilnius
LUX|Luxembourg||Luxembourgish;Luxembourger|
MDG|Madagascar||Malagasy|Antananarivo
MWI|Malawi||Malawian;Malawians|Lilongwe
MYS|Malaysia||Malaysian;Malaysians|Kuala Lumpur;Putrajaya
MDV|Maldives|the Maldives|Maldivian;Maldivians|
MLI|Mali||Malian;Malians|Bamako
MLT|Malta||Maltese|Valletta
MHL|Marshall Islands|the Marshall Islands|Marshallese|Majuro
MRT|Mauritania||Mauritanian;Mauritanians|Nouakchott
MUS|Mauritius||Mauritian;Mauritians|Port Louis
MEX|Mexico||Mexican;Mexicans|Mexico City
FSM|Micronesia|Federated States of Micronesia|Micronesian|Palikir
MDA|Moldova||Moldovan;Moldovans|Chisinau;Chișinău
MCO|Monaco||Monegasque|
MNG|Mongolia||Mongolian;Mongolians|Ulaanbaatar;Ulan Bator
MNE|Montenegro||Montenegrin;Montenegrins|Podgorica
MAR|Morocco||Moroccan;Moroccans|Rabat
MOZ|Mozambique||Mozambican;Mozambicans|Maputo
MMR|Myanmar|Burma|Burmese;Myanmarese|Naypyidaw;Naypyitaw;Rangoon;Yangon
NAM|Namibia||Namibian;Namibians|Windhoek
NRU|Nauru||Nauruan|
NPL|Nepal||Nepalese;Nepali|Kathmandu;Khatmandu
NLD|Netherlands|the Netherlands;Holland|Dutch|Amsterdam;The Hague
NZL|New Zealand||New Zealander;New Zealanders|Wellington
NIC|Nicaragua||Nicaraguan;Nicaraguans|Managua
NER|Niger||Nigerien;Nigeriens|Niamey
NGA|Nigeria||Nigerian;Nigerians|Abuja;Lagos
MKD|North Macedonia|Macedonia;Former Yugoslav Republic of Macedonia;FYROM|Macedonian;Macedonians|Skopje
NOR|Norway||Norwegian;Norwegians|Oslo
OMN|Oman||Omani;Omanis|Muscat
PAK|Pakistan||Pakistani;Pakistanis|Islamabad
PLW|Palau||Palauan|Ngerulmud
PAN|Panama||Panamanian;Panamanians|Panama City
PNG|Papua New Guinea||Papua New Guinean|Port Moresby
PRY|Paraguay||Paraguayan;Paraguayans|Asuncion;Asunción
PER|Peru||Peruvian;Peruvians|Lima
PHL|Philippines|the Philippines|Philippine;Filipino;Filipinos|Manila
POL|Poland||Polish;Pole;Poles|Warsaw
PRT|Portugal||Portuguese|Lisbon
QAT|Qatar||Qatari;Qataris|Doha
ROU|Romania||Romanian;Romanians|Bucharest
RUS|Russia|Russian Federation;Soviet Union;USSR|Russian;Russians;Soviet|Moscow;Kremlin
RWA|Rwanda||Rwandan;Rwandans|Kigali
KNA|Saint Kitts and Nevis||Kittitian|Basseterre
LCA|Saint Lucia||Saint Lucian|Castries
VCT|Saint Vincent and the Grenadines||Vincentian|Kingstown
WSM|Samoa||Samoan;Samoans|Apia
SMR|San Marino||Sammarinese|
STP|Sao Tome and Principe|São Tomé and Príncipe|Santomean|
SAU|Saudi Arabia||Saudi;Saudis|Riyadh
SEN|Senegal||Senegalese|Dakar
SRB|Serbia|Yugoslavia|Serbian;Serb;Serbs;Yugoslav|Belgrade
SYC|Seychelles|the Seychelles|Seychellois|
SLE|Sierra Leone||Sierra Leonean;Sierra Leoneans|Freetown
SGP|Singapore||Singaporean;Singaporeans|
SVK|Slovakia||Slovak;Slovakian;Slovaks|Bratislava
SVN|Slovenia||Slovenian;Slovene;Slovenians|Ljubljana
SLB|Solomon Islands|the Solomon Islands|Solomon Islander|Honiara
SOM|Somalia||Somali;Somalis|Mogadishu
ZAF|South Africa||South African;South Africans|Pretoria;Cape Town
SSD|South Sudan||South Sudanese|Juba
ESP|Spain||Spanish;Spaniard;Spaniards|Madrid
LKA|Sri Lanka|Ceylon|Sri Lankan;Sri Lankans|Colombo
SDN|Sudan||Sudanese|Khartoum
SUR|Suriname||Surinamese|Paramaribo
SWE|Sweden||Swedish;Swede;Swedes|Stockholm
CHE|Switzerland||Swiss|Bern;Berne
SYR|Syria||Syrian;Syrians|Damascus
TJK|Tajikistan||Tajik;Tajiks|Dushanbe
TZA|Tanzania||Tanzanian;Tanzanians|Dodoma;Dar es Salaam
THA|Thailand||Thai|Bangkok
TLS|East Timor|Timor-Leste|Timorese;East Timorese|Dili
TGO|Togo||Togolese|Lome;Lomé
TON|Tonga||Tongan|Nuku'alofa
TTO|Trinidad and Tobago|Trinidad|Trinidadian|Port of Spain
TUN|Tunisia||Tunisian;Tunisians|Tunis
TUR|Turkey|Türkiye;Turkiye|Turkish;Turk;Turks|Ankara
TKM|Turkmenistan||Turkmen|Ashgabat
TUV|Tuvalu||Tuvaluan|Funafuti
UGA|Uganda||Ugandan;Ugandans|Kampala
UKR|Ukraine||Ukrainian;Ukrainians|Kyiv;Kiev
ARE|United Arab Emirates|UAE;the Emirates;Emirates|Emirati;Emiratis|Abu Dhabi
GBR|United Kingdom|UK;U.K.;Britain;Great Britain|British;Briton;Britons|London;Downing Street;Whitehall
USA|United States|United States of America;US;U.S.;USA;U.S.A.;America|American;Americans|Washington;White House;Pentagon;State Department
URY|Uruguay||Uruguayan;Uruguayans|Montevideo
UZB|Uzbekistan||Uzbek;Uzbeks|Tashkent
VUT|Vanuatu||Ni-Vanuatu|Port Vila
VEN|Venezuela||Venezuelan;Venezuelans|Caracas
VNM|Vietnam|Viet Nam|Vietnamese|Hanoi
YEM|Yemen||Yemeni;Yemenis|Sanaa;Sana'a
ZMB|Zambia||Zambian;Zambians|Lusaka
ZWE|Zimbabwe||Zimbabwean;Zimbabweans|Harare
PSE|Palestine|Palestinian territories;Palestinian Authority;Gaza;Gaza Strip;West Bank|Palestinian;Palestinians|Ramallah
TWN|Taiwan|Republic of China|Taiwanese|Taipei
XKX|Kosovo||Kosovar;Kosovan;Kosovars|Pristina
VAT|Vatican|Holy See;Vatican City|Vatican|
HKG|Hong Kong||Hongkonger|
"""

#: International organisations: ``Name|aliases;...``. Coded ``IGO`` in PLOVER output.
IGO_ROWS = """\
United Nations|UN;U.N.;the United Nations
United Nations Security Council|UN Security Council;U.N. Security Council;Security Council;UNSC
United Nations General Assembly|UN General Assembly;U.N. General Assembly;General Assembly
North Atlantic Treaty Organization|NATO;Nato
European Union|EU;E.U.
European Community|EC;European Communities;European Economic Community;EEC;Common Market
European Commission|
Association of Southeast Asian Nations|ASEAN
African Union|AU;Organization of African Unity;OAU
Arab League|League of Arab States
Gulf Cooperation Council|GCC
Organization of American States|OAS
Organization for Security and Co-operation in Europe|OSCE;Organization for Security and Cooperation in Europe
International Atomic Energy Agency|IAEA
World Health Organization|WHO
World Trade Organization|WTO
International Monetary Fund|IMF
World Bank|
World Food Programme|WFP;World Food Program
UN High Commissioner for Refugees|UNHCR;UN refugee agency;U.N. refugee agency
UNICEF|
International Committee of the Red Cross|ICRC;Red Cross;Red Crescent
Organization of the Petroleum Exporting Countries|OPEC
Asia-Pacific Economic Cooperation|APEC
Shanghai Cooperation Organisation|SCO
Group of Seven|G7;G-7
Group of Twenty|G20;G-20
BRICS|
Quad|Quadrilateral Security Dialogue
Pacific Islands Forum|
Commonwealth of Independent States|CIS
International Criminal Court|ICC
International Court of Justice|ICJ;World Court
Economic Community of West African States|ECOWAS
Warsaw Pact|
"""

#: More international organisations (same format as :data:`IGO_ROWS`).
IGO_ROWS += """\
International Labour Organization|ILO;International Labor Organization;International Labour Office;International Labor Office
UNESCO|United Nations Educational, Scientific and Cultural Organization
United Nations Development Programme|UNDP
United Nations Relief and Works Agency|UNRWA
Food and Agriculture Organization|FAO
Organisation for Economic Co-operation and Development|OECD
Organisation of Islamic Cooperation|OIC;Organization of the Islamic Conference;Organisation of the Islamic Conference;Organization of Islamic Cooperation
Commonwealth of Nations|the Commonwealth
Council of Europe|
European Parliament|
European Central Bank|ECB
Non-Aligned Movement|NAM
Interpol|
International Organization for Migration|IOM
UN Human Rights Council|Human Rights Council;U.N. Human Rights Council
Southern African Development Community|SADC
Intergovernmental Authority on Development|IGAD
East African Community|EAC
Mercosur|Mercosul
Caribbean Community|CARICOM
Collective Security Treaty Organization|CSTO
Eurasian Economic Union|EAEU
International Energy Agency|IEA
Organization of Petroleum Exporting Countries|
"""

#: Non-state actors widely reported in international news: ``Name|aliases;...|ISO-3 of the home state|kind``
#: (kind: ``Group`` for armed, separatist and political movements, ``NGO`` for non-governmental
#: organisations, coded ``NGO`` in PLOVER output, ``IMG`` for transnational armed groups with no home state,
#: the CAMEO code for "international militarized group"). General reference data, like the tables above.
NONSTATE_ROWS = """\
Hamas|Islamic Resistance Movement|PSE|Group
Fatah|Fatah movement;Fatah party|PSE|Group
Palestine Liberation Organization|PLO;Palestine Liberation Organisation|PSE|Group
Palestinian Islamic Jihad|Islamic Jihad|PSE|Group
Hezbollah|Hizbollah;Hizballah;Hizbullah;Hezbolla|LBN|Group
Taliban|the Taliban|AFG|Group
Northern Alliance||AFG|Group
Tehrik-i-Taliban Pakistan|TTP;Pakistani Taliban|PAK|Group
Lashkar-e-Taiba|Lashkar-e-Toiba;LeT|PAK|Group
Jaish-e-Mohammed|Jaish-e-Muhammad|PAK|Group
Houthis|Houthi;Houthi rebels;Houthi movement;Ansar Allah|YEM|Group
Boko Haram||NGA|Group
Al-Shabaab|al-Shabaab;al-Shabab;Al-Shabab|SOM|Group
Kurdistan Workers' Party|PKK;Kurdistan Workers Party|TUR|Group
Kurdistan Regional Government|KRG|IRQ|Group
Peshmerga||IRQ|Group
Syrian Democratic Forces|SDF|SYR|Group
Free Syrian Army||SYR|Group
Hayat Tahrir al-Sham|HTS|SYR|Group
Revolutionary Armed Forces of Colombia|FARC|COL|Group
National Liberation Army of Colombia|ELN|COL|Group
Shining Path|Sendero Luminoso|PER|Group
Zapatista Army of National Liberation|EZLN;Zapatistas;Zapatista National Liberation Army|MEX|Group
Irish Republican Army|IRA;Provisional IRA|GBR|Group
ETA|Basque separatist group ETA|ESP|Group
Liberation Tigers of Tamil Eelam|LTTE;Tamil Tigers|LKA|Group
UNITA|National Union for the Total Independence of Angola|AGO|Group
MPLA|Popular Movement for the Liberation of Angola|AGO|Group
RENAMO|Renamo;Mozambican National Resistance|MOZ|Group
FRELIMO|Frelimo|MOZ|Group
Khmer Rouge||KHM|Group
Sudan People's Liberation Movement|SPLM;Sudan People's Liberation Army;SPLA|SDN|Group
Janjaweed||SDN|Group
Rapid Support Forces|RSF|SDN|Group
African National Congress|ANC|ZAF|Group
Muslim Brotherhood||EGY|Group
Revolutionary United Front|RUF|SLE|Group
Lord's Resistance Army|LRA|UGA|Group
Rwandan Patriotic Front|RPF|RWA|Group
Democratic Forces for the Liberation of Rwanda|FDLR|RWA|Group
Interahamwe||RWA|Group
March 23 Movement|M23|COD|Group
Islamic Salvation Front|FIS|DZA|Group
Armed Islamic Group|GIA|DZA|Group
Polisario Front|Polisario|MAR|Group
Moro Islamic Liberation Front|MILF|PHL|Group
Moro National Liberation Front|MNLF|PHL|Group
New People's Army|NPA|PHL|Group
Abu Sayyaf||PHL|Group
Jemaah Islamiyah||IDN|Group
Free Aceh Movement|GAM|IDN|Group
Kosovo Liberation Army|KLA|XKX|Group
Wagner Group|Wagner|RUS|Group
Chechen rebels||RUS|Group
Islamic State|ISIS;ISIL;Daesh;Islamic State group||IMG
Al-Qaeda|al-Qaeda;al Qaeda;Al Qaeda;al-Qaida;Al-Qaida||IMG
Amnesty International|Amnesty||NGO
Human Rights Watch|HRW||NGO
Doctors Without Borders|Médecins Sans Frontières;Medecins Sans Frontieres;MSF||NGO
Reporters Without Borders|Reporters Sans Frontières;RSF||NGO
Transparency International|||NGO
International Crisis Group|Crisis Group||NGO
Greenpeace|||NGO
Oxfam|||NGO
Save the Children|||NGO
Physicians for Human Rights|||NGO
"""

#: Leaders of the five permanent members of the UN Security Council since 1977 (the people most often
#: named in international news without their nationality): US presidents; Soviet general secretaries,
#: Russian presidents and prime ministers; Chinese presidents and premiers, and Deng Xiaoping (paramount
#: leader, never formally head of state or government); British prime ministers; French presidents
#: (not their prime ministers). Not complete (e.g. Hua Guofeng is missing): ``Name|aliases;...|ISO-3``.
#: General reference data from the offices' own published lists of officeholders: whitehouse.gov
#: ("The Presidents"), kremlin.ru (Presidents of Russia; Soviet leaders coded RUS as the "Soviet Union"
#: row above), gov.uk ("Past Prime Ministers"), elysee.fr ("Les Présidents de la République"), gov.cn
#: (state leadership). Surnames are aliases only when distinctive; a surname several of them share (Bush)
#: is a row of its own with the country and no further identity. No Wikidata ids: linking is done by
#: the Wikidata cache, never here.
LEADER_ROWS = """\
Jimmy Carter||USA
Ronald Reagan|Reagan|USA
George H. W. Bush|George Bush;George H.W. Bush|USA
Bill Clinton|Clinton;William Clinton;William Jefferson Clinton|USA
George W. Bush||USA
Bush||USA
Barack Obama|Obama|USA
Donald Trump|Trump|USA
Joe Biden|Biden;Joseph Biden|USA
Leonid Brezhnev|Brezhnev|RUS
Yuri Andropov|Andropov|RUS
Konstantin Chernenko|Chernenko|RUS
Mikhail Gorbachev|Gorbachev|RUS
Boris Yeltsin|Yeltsin|RUS
Vladimir Putin|Putin|RUS
Dmitry Medvedev|Medvedev;Dmitri Medvedev|RUS
Viktor Chernomyrdin|Chernomyrdin|RUS
Yevgeny Primakov|Primakov|RUS
Sergei Kiriyenko|Kiriyenko|RUS
Sergei Stepashin|Stepashin|RUS
Mikhail Kasyanov|Kasyanov|RUS
Mikhail Fradkov|Fradkov|RUS
Viktor Zubkov||RUS
Mikhail Mishustin|Mishustin|RUS
Deng Xiaoping||CHN
Zhao Ziyang||CHN
Yang Shangkun||CHN
Jiang Zemin||CHN
Li Peng||CHN
Zhu Rongji||CHN
Hu Jintao||CHN
Wen Jiabao||CHN
Xi Jinping||CHN
Li Keqiang||CHN
Li Qiang||CHN
James Callaghan|Callaghan|GBR
Margaret Thatcher|Thatcher|GBR
John Major||GBR
Tony Blair|Blair|GBR
Gordon Brown||GBR
David Cameron||GBR
Theresa May||GBR
Boris Johnson||GBR
Liz Truss||GBR
Rishi Sunak|Sunak|GBR
Keir Starmer|Starmer|GBR
Valéry Giscard d'Estaing|Valery Giscard d'Estaing;Giscard d'Estaing|FRA
François Mitterrand|Francois Mitterrand;Mitterrand|FRA
Jacques Chirac|Chirac|FRA
Nicolas Sarkozy|Sarkozy|FRA
François Hollande|Francois Hollande;Hollande|FRA
Emmanuel Macron|Macron|FRA
"""
